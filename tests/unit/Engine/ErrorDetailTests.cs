using SharedMigrations.Core;
using SharedMigrations.Core.Configuration;
using SharedMigrations.Core.Database;
using SharedMigrations.Tests.Support;

namespace SharedMigrations.Tests.Engine;

/// <summary>
/// PostgreSQL's DETAIL and HINT in the message of a failing migration, with real PostgreSQL errors: shown for errors that
/// describe objects (a dependent view on DROP, undefined objects), withheld for errors that quote rows (a unique
/// violation names the key value) unless migration.error_detail is on; never advice to edit a connection string.
/// </summary>
public class ErrorDetailTests
{
    private const string Email = "alice.secretive@example.com";

    [Fact]
    public async Task A_drop_blocked_by_a_dependent_view_shows_the_dependent_objects_and_the_hint()
    {
        await using var db = await TestDatabase.CreateAsync();
        using var folder = new ServiceFolder("catalog");
        folder.Add(
            "001_products.sql",
            "CREATE TABLE products (id int PRIMARY KEY, price numeric);\nCREATE VIEW cheap_products AS SELECT * FROM products WHERE " +
                "price < 10;\nCREATE VIEW cheapest AS SELECT * FROM cheap_products;");
        folder.Add("002_drop_products.sql", "DROP TABLE products;");

        var ex = await Assert.ThrowsAsync<MigrationExecutionException>(() => folder.Service(db.ConnectionString).RunMigrationsAsync());

        Assert.Equal("2BP01", ex.SqlState);
        Assert.Contains("cannot drop table products because other objects depend on it (SQLSTATE 2BP01).", ex.Message);
        Assert.Contains("DETAIL: view cheap_products depends on table products; view cheapest depends on view cheap_products.", ex.Message);
        Assert.Contains("HINT: Use DROP ... CASCADE to drop the dependent objects too.", ex.Message);
        AssertNoConnectionStringAdvice(ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
        Assert.True(await db.TableExistsAsync("products"));
    }

    [Fact]
    public async Task An_undefined_function_shows_postgresql_hint()
    {
        await using var db = await TestDatabase.CreateAsync();
        using var folder = new ServiceFolder();
        folder.Add("001_call.sql", "SELECT no_such_function(1, 'x');");

        var ex = await Assert.ThrowsAsync<MigrationExecutionException>(() => folder.Service(db.ConnectionString).RunMigrationsAsync());

        Assert.Equal("42883", ex.SqlState);
        Assert.Contains("HINT: No function matches the given name and argument types.", ex.Message);
        AssertNoConnectionStringAdvice(ex.Message);
    }

    [Fact]
    public async Task A_unique_violation_withholds_the_key_value_everywhere_and_says_how_to_show_it()
    {
        await using var db = await TestDatabase.CreateAsync();
        using var folder = new ServiceFolder("accounts");
        folder.Add(
            "001_users.sql",
            $"CREATE TABLE users (id int PRIMARY KEY, email text UNIQUE);\nINSERT INTO users VALUES (1, '{Email}');");
        folder.Add("002_duplicate.sql", "INSERT INTO users SELECT 2, email FROM users;");

        var ex = await Assert.ThrowsAsync<MigrationExecutionException>(() => folder.Service(db.ConnectionString).RunMigrationsAsync());

        Assert.Equal("23505", ex.SqlState);
        Assert.Contains("duplicate key value violates unique constraint \"users_email_key\"", ex.Message);
        Assert.Contains("PostgreSQL's DETAIL is not shown: for SQLSTATE class 23 it can quote table rows", ex.Message);
        Assert.Contains("migration.error_detail: true", ex.Message);
        Assert.DoesNotContain(Email, ex.ToString());
        Assert.DoesNotContain("alice", ex.ToString());
        AssertNoConnectionStringAdvice(ex.Message);

        // Nor in the audit log, where the failed attempt is recorded with its message.
        var history = await folder.Service(db.ConnectionString).GetHistoryAsync();
        var failed = Assert.Single(history, e => !e.Succeeded);
        Assert.DoesNotContain("alice", failed.Error);
        Assert.Empty(await db.ListAsync<string>("SELECT error FROM schema_migrations_log WHERE error LIKE '%alice%'"));
    }

    [Fact]
    public async Task With_error_detail_on_a_unique_violation_shows_the_key_value()
    {
        await using var db = await TestDatabase.CreateAsync();
        using var folder = new ServiceFolder("accounts");
        folder.Config("migration:\n  error_detail: true\n");
        folder.Add(
            "001_users.sql",
            $"CREATE TABLE users (id int PRIMARY KEY, email text UNIQUE);\nINSERT INTO users VALUES (1, '{Email}');");
        folder.Add("002_duplicate.sql", "INSERT INTO users SELECT 2, email FROM users;");

        var ex = await Assert.ThrowsAsync<MigrationExecutionException>(() => folder.Service(db.ConnectionString).RunMigrationsAsync());

        Assert.Contains($"DETAIL: Key (email)=({Email}) already exists.", ex.Message);
        Assert.DoesNotContain("not shown", ex.Message);
        AssertNoConnectionStringAdvice(ex.Message);
    }

    [Fact]
    public async Task A_connection_string_that_turns_error_detail_off_does_not_change_what_is_shown()
    {
        await using var db = await TestDatabase.CreateAsync();
        using var folder = new ServiceFolder("catalog");
        folder.Add("001_products.sql", "CREATE TABLE products (id int);\nCREATE VIEW v AS SELECT * FROM products;");
        folder.Add("002_drop_products.sql", "DROP TABLE products;");

        var ex = await Assert.ThrowsAsync<MigrationExecutionException>(() =>
            folder.Service(db.ConnectionString + ";Include Error Detail=false").RunMigrationsAsync());

        Assert.Contains("DETAIL: view v depends on table products.", ex.Message);
        AssertNoConnectionStringAdvice(ex.Message);
    }

    [Theory]
    [InlineData("2BP01", true)]
    [InlineData("42P01", true)]
    [InlineData("42P07", true)]
    [InlineData("42601", true)]
    [InlineData("0A000", true)]
    [InlineData("40P01", true)]
    [InlineData("55P03", true)]
    [InlineData("23505", false)]
    [InlineData("23503", false)]
    [InlineData("23502", false)]
    [InlineData("23514", false)]
    [InlineData("22P02", false)]
    [InlineData("P0001", false)]
    [InlineData("XX000", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Only_errors_that_describe_objects_show_their_detail_by_default(string? sqlState, bool shown)
    {
        Assert.Equal(shown, PostgresErrorDetail.DescribesObjectsOnly(sqlState));
        var text = PostgresErrorDetail.Describe(sqlState, "Key (id)=(42) already exists.", "a hint", showAll: false);
        Assert.Equal(shown, text.Contains("(42)", StringComparison.Ordinal));
        Assert.Equal(shown, text.Contains("HINT: a hint", StringComparison.Ordinal));
        Assert.Contains("(42)", PostgresErrorDetail.Describe(sqlState, "Key (id)=(42) already exists.", null, showAll: true));
    }

    [Fact]
    public void Npgsql_placeholder_and_empty_fields_add_nothing()
    {
        const string placeholder = "Detail redacted as it may contain sensitive data. Specify 'Include Error Detail' in the connection " +
            "string to include this information.";
        Assert.Equal(string.Empty, PostgresErrorDetail.Describe("23505", placeholder, null, showAll: false));
        Assert.Equal(string.Empty, PostgresErrorDetail.Describe("2BP01", placeholder, null, showAll: true));
        Assert.Equal(string.Empty, PostgresErrorDetail.Describe("42P01", null, "  ", showAll: false));
        Assert.Equal(" HINT: only a hint.", PostgresErrorDetail.Describe("42883", placeholder, "only a hint.", showAll: false));
        Assert.Contains("HINT is not shown", PostgresErrorDetail.Describe("P0001", null, "user hint", showAll: false));
    }

    [Fact]
    public void Error_detail_is_a_known_boolean_key_off_by_default()
    {
        static ServiceConfiguration Parse(string yaml) => ConfigurationLoader.Parse(yaml, "/svc/config.yaml", _ => null);

        Assert.False(Parse("migration:\n  table_name: t\n").Migration.ErrorDetail);
        var on = Parse("migration:\n  error_detail: true\n");
        Assert.True(on.Migration.ErrorDetail);
        Assert.Empty(on.Warnings);

        var typo = Parse("migration:\n  error_details: true\n");
        Assert.Contains("did you mean 'migration.error_detail'", Assert.Single(typo.Warnings).Message);
        var bad = Assert.Throws<ConfigurationException>(() => Parse("migration:\n  error_detail: sometimes\n"));
        Assert.Equal("migration.error_detail", bad.Key);
    }

    private static void AssertNoConnectionStringAdvice(string message)
    {
        Assert.DoesNotContain("Include Error Detail", message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("connection string", message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Detail redacted", message, StringComparison.Ordinal);
    }
}
