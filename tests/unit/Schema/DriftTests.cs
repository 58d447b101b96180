using SharedMigrations.Core;
using SharedMigrations.Core.Schema;
using SharedMigrations.Tests.Support;

namespace SharedMigrations.Tests.Schema;

/// <summary>The snapshot recorded by each changing run, drift found by the server's fingerprint, and the schema file.</summary>
public class DriftTests
{
    [Fact]
    public async Task A_changing_run_records_one_snapshot_a_no_op_run_none_and_status_sees_hand_made_changes()
    {
        await using var db = await TestDatabase.CreateAsync("drift");
        using var folder = new ServiceFolder("orders");
        folder.Add("001_orders.sql", "CREATE TABLE orders (id int PRIMARY KEY, total numeric);", "DROP TABLE orders;");
        folder.Add("002_index.sql", "CREATE INDEX orders_total_idx ON orders (total);", "DROP INDEX orders_total_idx;");
        var service = folder.Service(db.ConnectionString);

        await service.RunMigrationsAsync();
        await service.RunMigrationsAsync();

        Assert.Equal(1, await db.ScalarAsync<long>("SELECT count(*) FROM schema_migrations_schema"));
        Assert.Equal(2, await db.ScalarAsync<long>("SELECT version FROM schema_migrations_schema"));
        var recorded = await service.GetRecordedSchemaAsync();
        Assert.Equal((await service.GetSchemaAsync()).Fingerprint, recorded!.Fingerprint);
        Assert.Equal(ServiceState.UpToDate, (await service.GetStatusAsync()).State);
        Assert.Empty(await service.CompareSchemaAsync(fromFile: false));

        await db.ExecuteAsync("ALTER TABLE orders ADD COLUMN note text; CREATE INDEX by_hand ON orders (note);");
        var status = await service.GetStatusAsync();

        Assert.Equal(ServiceState.Drifted, status.State);
        var problem = Assert.Single(status.Problems);
        Assert.Contains("recorded at version 2", problem);
        Assert.Contains("Compare-MigrationSchema", problem);
        Assert.Equal(
            ["Column note Added", "Index by_hand Added"],
            (await service.CompareSchemaAsync(fromFile: false)).Select(d => $"{d.Kind} {d.Name} {d.Change}"));
    }

    [Fact]
    public async Task Up_warns_about_drift_then_records_it_and_refuses_with_on_drift_refuse()
    {
        await using var db = await TestDatabase.CreateAsync("drift");
        using var folder = new ServiceFolder("billing");
        folder.Add(
            "001_invoices.sql",
            "CREATE TABLE invoices (id int PRIMARY KEY, amount int CONSTRAINT positive CHECK (amount > 0));",
            "DROP TABLE invoices;");
        await folder.Service(db.ConnectionString).RunMigrationsAsync();
        await db.ExecuteAsync("ALTER TABLE invoices DROP CONSTRAINT positive;");

        folder.Add("002_paid.sql", "ALTER TABLE invoices ADD COLUMN paid boolean;", "ALTER TABLE invoices DROP COLUMN paid;");
        folder.Config("migration:\n  on_drift: refuse\n");
        var refused = await Assert.ThrowsAsync<SchemaVerificationException>(() => folder.Service(db.ConnectionString).RunMigrationsAsync());
        Assert.Equal("SchemaDrifted", refused.ErrorId);
        Assert.Contains("billing", refused.Message);
        Assert.Equal([1L], await db.AppliedVersionsAsync());

        folder.Config("migration:\n  on_drift: warn\n");
        var observer = new Warnings();
        var run = await folder.Service(db.ConnectionString).RunMigrationsAsync(new UpOptions { Observer = observer });

        Assert.Equal([2L], run.Results.Select(r => r.Version));
        Assert.Contains(observer.Messages, m => m.Contains("Compare-MigrationSchema", StringComparison.Ordinal));
        Assert.Equal(ServiceState.UpToDate, (await folder.Service(db.ConnectionString).GetStatusAsync()).State);
    }

    [Fact]
    public async Task The_schema_file_is_rewritten_by_up_and_by_down()
    {
        await using var db = await TestDatabase.CreateAsync("drift");
        using var folder = new ServiceFolder("catalog");
        folder.Config("migration:\n  schema_file: db/schema.sql\n");
        folder.Add("001_items.sql", "CREATE TABLE items (id int PRIMARY KEY);", "DROP TABLE items;");
        folder.Add("002_price.sql", "ALTER TABLE items ADD COLUMN price numeric;", "ALTER TABLE items DROP COLUMN price;");
        var file = Path.Combine(folder.Path, "db", "schema.sql");

        await folder.Service(db.ConnectionString).RunMigrationsAsync();
        var afterUp = File.ReadAllText(file);
        Assert.Contains("-- Column: public.items.price\nprice numeric\n", afterUp);
        Assert.DoesNotContain("schema_migrations", afterUp);

        await folder.Service(db.ConnectionString).RollbackAsync(new DownOptions());
        var afterDown = File.ReadAllText(file);
        Assert.DoesNotContain("price", afterDown);
        Assert.Contains("-- Table: public.items", afterDown);

        var export = await folder.Service(db.ConnectionString).ExportSchemaAsync(Path.Combine(folder.Root, "again.sql"));
        Assert.Equal(afterDown, File.ReadAllText(export.Path));
        Assert.Empty(await folder.Service(db.ConnectionString).CompareSchemaAsync(fromFile: true));
    }

    private sealed class Warnings : MigrationObserver
    {
        public List<string> Messages { get; } = new();

        public override void OnWarning(string service, string message) => Messages.Add(message);
    }
}
