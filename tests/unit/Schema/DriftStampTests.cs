using SharedMigrations.Core;
using SharedMigrations.Core.Planning;
using SharedMigrations.Tests.Support;

namespace SharedMigrations.Tests.Schema;

/// <summary>
/// The drift probe's catalog stamp: while no catalog row changed since the recording, the server reuses the recorded
/// fingerprint instead of computing every definition; any change that can alter the schema (also one that only removes
/// catalog rows) makes it compute the fingerprint, and changes that write catalog rows without altering the schema
/// still report no drift.
/// </summary>
public class DriftStampTests
{
    private static async Task<(TestDatabase Db, ServiceFolder Folder, MigrationService Service)> AppliedAsync(string name)
    {
        var db = await TestDatabase.CreateAsync(name);
        var folder = new ServiceFolder("orders");
        folder.Add(
            "001_orders.sql",
            "CREATE TABLE orders (id int PRIMARY KEY, total numeric); CREATE INDEX orders_total_idx ON orders (total);\n" +
            "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;\n" +
            "CREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch();",
            "DROP TABLE orders; DROP FUNCTION touch();");
        var service = folder.Service(db.ConnectionString);
        await service.RunMigrationsAsync();
        return (db, folder, service);
    }

    [Fact]
    public async Task The_recorded_fingerprint_is_reused_while_the_catalog_is_unchanged()
    {
        var (db, folder, service) = await AppliedAsync("stamp_reuse");
        await using var _ = db;
        using var __ = folder;
        Assert.True(await db.ScalarAsync<bool>("SELECT catalog_rows > 0 FROM schema_migrations_schema"));

        // A recorded fingerprint that no schema has: reused as the live one while nothing changed (no drift seen)...
        await db.ExecuteAsync("UPDATE schema_migrations_schema SET fingerprint = 'not-a-fingerprint'");
        Assert.Equal(ServiceState.UpToDate, (await service.GetStatusAsync()).State);

        // ...and computed again as soon as a catalog row changes: it differs from the (false) recorded one.
        await db.ExecuteAsync("COMMENT ON TABLE orders IS 'x'; ALTER TABLE orders ALTER COLUMN total SET NOT NULL");
        Assert.Equal(ServiceState.Drifted, (await service.GetStatusAsync()).State);
    }

    [Theory]
    [InlineData("DROP INDEX orders_total_idx")]
    [InlineData("DROP TRIGGER orders_touch ON orders")]
    [InlineData("ALTER TABLE orders DROP CONSTRAINT orders_pkey")]
    [InlineData("ALTER TABLE orders RENAME COLUMN total TO amount")]
    [InlineData("CREATE OR REPLACE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN OLD; END $$")]
    public async Task A_change_made_by_hand_is_drift_even_when_it_only_removes_catalog_rows(string change)
    {
        var (db, folder, service) = await AppliedAsync("stamp_drift");
        await using var _ = db;
        using var __ = folder;

        await db.ExecuteAsync(change);

        Assert.Equal(ServiceState.Drifted, (await service.GetStatusAsync()).State);
    }

    [Theory]
    [InlineData("INSERT INTO orders VALUES (1, 2); UPDATE orders SET total = 3")]
    [InlineData("TRUNCATE orders")]
    [InlineData("GRANT SELECT ON orders TO PUBLIC")]
    [InlineData("VACUUM FULL orders")]
    [InlineData("CREATE TEMPORARY TABLE scratch (id int)")]
    public async Task Catalog_writes_that_do_not_alter_the_schema_are_not_drift(string change)
    {
        var (db, folder, service) = await AppliedAsync("stamp_same");
        await using var _ = db;
        using var __ = folder;

        await db.ExecuteAsync(change);

        Assert.Equal(ServiceState.UpToDate, (await service.GetStatusAsync()).State);
    }

    [Fact]
    public async Task A_snapshot_table_without_the_stamp_column_gets_it_at_the_next_recording()
    {
        var (db, folder, service) = await AppliedAsync("stamp_upgrade");
        await using var _ = db;
        using var __ = folder;
        await db.ExecuteAsync("ALTER TABLE schema_migrations_schema DROP COLUMN catalog_rows");

        Assert.Equal(ServiceState.UpToDate, (await service.GetStatusAsync()).State);

        folder.Add("002_note.sql", "ALTER TABLE orders ADD COLUMN note text;", "ALTER TABLE orders DROP COLUMN note;");
        await service.RunMigrationsAsync();
        // The column is back; the row recorded before it has none, the new one has its stamp.
        Assert.Equal(1, await db.ScalarAsync<long>("SELECT count(catalog_rows) FROM schema_migrations_schema"));
        Assert.Equal(2, await db.ScalarAsync<long>("SELECT version FROM schema_migrations_schema WHERE catalog_rows IS NOT NULL"));
        await db.ExecuteAsync("ALTER TABLE orders ADD COLUMN by_hand int");
        Assert.Equal(ServiceState.Drifted, (await service.GetStatusAsync()).State);
    }
}
