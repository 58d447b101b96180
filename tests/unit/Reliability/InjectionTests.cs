using SharedMigrations.Core;
using SharedMigrations.Core.Configuration;
using SharedMigrations.Core.Database;
using SharedMigrations.Core.Errors;
using SharedMigrations.Core.Model;
using SharedMigrations.Tests.Support;

namespace SharedMigrations.Tests.Reliability;

/// <summary>
/// Identifiers from config (table_name, its schema) are validated and quoted; names, descriptions, DOWN text, errors and
/// file names reach SQL only as parameters.
/// </summary>
[Trait("Category", "Reliability")]
public class InjectionTests
{
    private const string Hostile = "x'); DROP TABLE users; --";

    [Fact]
    public async Task A_migration_file_named_like_an_injection_is_refused_before_the_database_is_touched()
    {
        await using var db = await TestDatabase.CreateAsync("reliability_injection");
        await db.ExecuteAsync("CREATE TABLE users (id int); INSERT INTO users VALUES (1);");
        using var folder = new ServiceFolder("shop");
        var file = folder.Write($"001_{Hostile}.sql", "-- +++++ UP\nSELECT 1;\n");

        var ex = await Assert.ThrowsAsync<MigrationFormatException>(() => folder.Service(db.ConnectionString).RunMigrationsAsync());

        Assert.Equal(file, ex.FilePath);
        Assert.Contains($"the name '{Hostile}' must be lower-case letters, digits and underscores", ex.Message);
        Assert.Equal(1, await db.ScalarAsync<long>("SELECT count(*) FROM users"));
        Assert.False(await db.TableExistsAsync("schema_migrations"));
    }

    [Fact]
    public async Task Hostile_service_names_headers_down_text_and_errors_are_stored_verbatim_and_drop_nothing()
    {
        await using var db = await TestDatabase.CreateAsync("reliability_injection");
        await db.ExecuteAsync("CREATE TABLE users (id int); INSERT INTO users VALUES (1);");
        using var folder = new ServiceFolder(Hostile);
        folder.Add(
            "001_a.sql",
            "CREATE TABLE a (note text DEFAULT 'x''); DROP TABLE users; --');",
            $"-- {Hostile}\nDROP TABLE a; -- '); DROP TABLE users; --",
            $"-- Migration: {Hostile}\n-- Description: {Hostile}");
        folder.Add("002_fails.sql", $"SELECT * FROM \"{Hostile}\";");

        var ex = await Assert.ThrowsAsync<MigrationExecutionException>(() => folder.Service(db.ConnectionString).RunMigrationsAsync());

        Assert.Equal(Hostile, ex.Service);
        Assert.Equal(1, await db.ScalarAsync<long>("SELECT count(*) FROM users"));
        Assert.Equal(Hostile, await db.ScalarAsync<string>("SELECT DISTINCT service FROM schema_migrations_log"));
        Assert.Equal(
            $"-- {Hostile}\nDROP TABLE a; -- '); DROP TABLE users; --\n",
            await db.ScalarAsync<string>("SELECT down_script FROM schema_migrations WHERE version = 1"));
        Assert.Contains(
            $"relation \"{Hostile}\" does not exist",
            await db.ScalarAsync<string>("SELECT error FROM schema_migrations_log WHERE version = 2"));

        // Rolling back runs the recorded DOWN as SQL (it is the migration's own code), never the names around it.
        await folder.Service(db.ConnectionString).RollbackAsync(new DownOptions());
        Assert.Equal(1, await db.ScalarAsync<long>("SELECT count(*) FROM users"));
        Assert.False(await db.TableExistsAsync("a"));
    }

    [Theory]
    [InlineData("select")]
    [InlineData("Ops.History")]
    [InlineData("order.user")]
    public async Task Reserved_words_and_mixed_case_in_table_name_work_because_identifiers_are_quoted(string tableName)
    {
        await using var db = await TestDatabase.CreateAsync("reliability_injection");
        using var folder = new ServiceFolder("shop");
        folder.Config($"migration:\n  table_name: {tableName}\n");
        folder.Add("001_a.sql", "CREATE TABLE a (id int);");

        await folder.Service(db.ConnectionString).RunMigrationsAsync();

        var parts = tableName.Split('.');
        var quoted = string.Join('.', parts.Select(HistoryTableName.QuoteIdentifier));
        var quotedLog = string.Join('.', parts[..^1].Append(parts[^1] + "_log").Select(HistoryTableName.QuoteIdentifier));
        Assert.Equal([1L], await db.AppliedVersionsAsync(quoted));
        Assert.Equal(1, await db.ScalarAsync<long>($"SELECT count(*) FROM {quotedLog} WHERE succeeded"));
    }

    [Theory]
    [InlineData(Hostile)]
    [InlineData("users\"; DROP TABLE users; --")]
    [InlineData("x; DROP TABLE users")]
    [InlineData("public.users; --")]
    [InlineData("a.b.c")]
    [InlineData("t/**/")]
    [InlineData("$1")]
    [InlineData("a b")]
    [InlineData("ops.\"t\"")]
    [InlineData("t\u0000")]
    [InlineData("t\nDROP TABLE users")]
    public void Every_hostile_table_name_is_refused_with_its_key(string tableName)
    {
        Assert.False(HistoryTableName.TryParse(tableName, out var name, out var error));
        Assert.Null(name);
        Assert.False(string.IsNullOrEmpty(error));

        var yaml = "migration:\n  table_name: \"" + tableName.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n").Replace(
            "\0",
            "\\0") + "\"\n";
        var ex = Assert.Throws<ConfigurationException>(() => ConfigurationLoader.Parse(yaml, "/services/shop/config.yaml"));
        Assert.Equal("migration.table_name", ex.Key);
        Assert.Equal(2, ex.Line);
    }

    [Fact]
    public void History_commands_carry_names_and_texts_only_as_parameters()
    {
        var store = new HistoryStore(HistoryTableName.Default, Hostile);
        var commands = new[]
        {
            store.Log(1, Hostile, MigrationDirection.Up, false, Hostile, error: Hostile, sqlState: "42P01", detail: Hostile),
            store.RecordFailure(1, 0, Hostile),
            store.Delete(1),
        };

        foreach (var command in commands)
        {
            Assert.DoesNotContain("DROP TABLE users", command.CommandText);
            Assert.DoesNotContain("'", command.CommandText);
        }

        Assert.Equal(5, commands[0].Parameters.Count(p => Equals(p.Value, Hostile))); // service, name, checksum, error, detail
        Assert.Contains(commands[1].Parameters, p => Equals(p.Value, Hostile));
        Assert.StartsWith("INSERT INTO \"schema_migrations_log\"", commands[0].CommandText);
    }
}
