using Npgsql;
using SharedMigrations.Core;
using SharedMigrations.Core.Schema;
using SharedMigrations.Tests.Support;

namespace SharedMigrations.Tests.Schema;

/// <summary>Test-MigrationRoundTrip's engine on a real PostgreSQL: every broken DOWN of a folder reported in one run.</summary>
public class RoundTripTests
{
    [Fact]
    public async Task Every_broken_migration_is_reported_and_the_later_ones_are_still_tested()
    {
        await using var db = await TestDatabase.CreateAsync("roundtrip");
        using var folder = new ServiceFolder("shop");
        folder.Add("001_items.sql", "CREATE TABLE items (id int PRIMARY KEY, name text);", "DROP TABLE items;");
        folder.Add("002_syntax.sql", "ALTER TABLE items ADD COLUMN price int;", "ALTER TABLE items DROP COLUMN price\nDROP TABLE nothing;");
        folder.Add(
            "003_leaves_type.sql",
            "CREATE TYPE state AS ENUM ('new', 'done');\nALTER TABLE items ADD COLUMN state state;",
            "ALTER TABLE items DROP COLUMN state;");
        folder.Add(
            "004_not_again.sql",
            "ALTER TABLE items ADD COLUMN flag int;\nINSERT INTO items (id, name) VALUES (1, 'seed');",
            "ALTER TABLE items DROP COLUMN flag;");
        folder.Add("005_no_down.sql", "CREATE INDEX items_name_idx ON items (name);");
        folder.Add("006_fine.sql", "CREATE VIEW named AS SELECT id, name FROM items;", "DROP VIEW named;");
        var streamed = new List<RoundTripResult>();

        var report = await folder.Service(db.ConnectionString).TestRoundTripAsync(new RoundTripOptions { OnResult = streamed.Add });

        Assert.Equal(
            ["1 Passed ", "2 Failed Down", "3 Failed Restore", "4 Failed Reapply", "5 Irreversible ", "6 Passed "],
            report.Results.Select(r => $"{r.Version} {r.Result} {r.Stage}"));
        Assert.Equal(report.Results, streamed);
        var syntax = report.Results[1];
        Assert.Equal(syntax.FilePath, Path.Combine(folder.MigrationsPath, "002_syntax.sql"));
        Assert.NotNull(syntax.Line);
        Assert.Contains("002_syntax.sql", syntax.Error);
        var leftover = Assert.Single(report.Results[2].Differences);
        Assert.Equal((SchemaObjectKind.Type, "state", SchemaChange.Added), (leftover.Kind, leftover.Name, leftover.Change));
        Assert.Contains("-- +++++ DOWN", File.ReadAllLines(report.Results[2].FilePath!)[report.Results[2].Line!.Value - 1]);

        // The service's own database is untouched, and the created scratch database is gone.
        Assert.False(await db.TableExistsAsync("schema_migrations"));
        Assert.True(report.Created);
        Assert.False(report.Kept);
        var name = report.ScratchDatabase[(report.ScratchDatabase.LastIndexOf('/') + 1)..];
        Assert.StartsWith(db.Name + "_rt_", name);
        Assert.Equal(0, await db.ScalarAsync<long>($"SELECT count(*) FROM pg_database WHERE datname = '{name}'"));
    }

    [Fact]
    public async Task A_given_scratch_database_must_be_empty_and_is_left_with_the_ups_applied()
    {
        await using var db = await TestDatabase.CreateAsync("roundtrip");
        await using var scratch = await TestDatabase.CreateAsync("scratch");
        using var folder = new ServiceFolder("given");
        folder.Add("001_a.sql", "CREATE TABLE a (id int);", "DROP TABLE a;");
        folder.Add("002_b.sql", "CREATE TABLE b (id int); CREATE TABLE b_extra (id int);", "DROP TABLE b;");
        folder.Add("003_c.sql", "CREATE TABLE c (id int);", "DROP TABLE c;");
        var scratchDb = new NpgsqlConnectionStringBuilder(scratch.ConnectionString).Database;

        var report = await folder.Service(db.ConnectionString).TestRoundTripAsync(new RoundTripOptions
        {
            ScratchConnectionString = $"Database={scratchDb}",
            Target = 3,
        });

        Assert.Equal(["Passed", "Failed", "Passed"], report.Results.Select(r => r.Result.ToString()));
        Assert.True(report.Kept);
        Assert.Equal(
            ["a", "b", "b_extra", "c"],
            await scratch.ListAsync<string>("SELECT tablename::text FROM pg_tables WHERE schemaname = 'public' AND tablename NOT LIKE " +
                "'schema_migrations%' ORDER BY 1"));

        var refused = await Assert.ThrowsAsync<SchemaVerificationException>(() =>
            folder.Service(
                db.ConnectionString).TestRoundTripAsync(new RoundTripOptions { ScratchConnectionString = $"Database={scratchDb}" }));
        Assert.Equal("ScratchDatabaseNotEmpty", refused.ErrorId);
        Assert.Contains("given", refused.Message);
        Assert.Equal(
            4,
            await scratch.ScalarAsync<long>("SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename NOT LIKE " +
                "'schema_migrations%'"));

        var own = await Assert.ThrowsAsync<SchemaVerificationException>(() =>
            folder.Service(db.ConnectionString).TestRoundTripAsync(new RoundTripOptions { ScratchConnectionString = db.ConnectionString }));
        Assert.Equal("ScratchDatabaseIsServiceDatabase", own.ErrorId);
    }

    [Fact]
    public async Task Files_that_do_not_load_stop_the_test_before_any_database_is_created()
    {
        await using var db = await TestDatabase.CreateAsync("roundtrip");
        using var folder = new ServiceFolder("broken");
        folder.Write("001_a.sql", "CREATE TABLE a (id int);\n-- +++++ DOWN\n-- +++++ UP\n");
        var before = await db.ScalarAsync<long>("SELECT count(*) FROM pg_database");

        await Assert.ThrowsAsync<MigrationFormatException>(
            () => folder.Service(db.ConnectionString).TestRoundTripAsync(new RoundTripOptions()));

        Assert.Equal(before, await db.ScalarAsync<long>("SELECT count(*) FROM pg_database"));
    }
}
