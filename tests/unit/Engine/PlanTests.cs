using SharedMigrations.Core;
using SharedMigrations.Core.Errors;
using SharedMigrations.Core.Model;
using SharedMigrations.Core.Planning;
using SharedMigrations.Tests.Support;

namespace SharedMigrations.Tests.Engine;

/// <summary>PlanUpAsync and PlanRollbackAsync against a real PostgreSQL: the steps a run would take, read-only.</summary>
public class PlanTests
{
    private static async Task<(long History, long Log)> CountRowsAsync(TestDatabase db) =>
        (await db.ScalarAsync<long>("SELECT count(*) FROM schema_migrations"),
            await db.ScalarAsync<long>("SELECT count(*) FROM schema_migrations_log"));

    [Fact]
    public async Task Plan_up_of_a_fresh_database_lists_every_migration_in_order_and_creates_nothing()
    {
        await using var db = await TestDatabase.CreateAsync();
        using var folder = new ServiceFolder("orders");
        folder.Add("003_c.sql", "CREATE TABLE c (id int);", "DROP TABLE c;");
        folder.Add("001_a.sql", "CREATE TABLE a (id int);", "DROP TABLE a;");
        folder.Add("002_b.sql", "CREATE TABLE b (id int);", "DROP TABLE b;");

        var steps = await folder.Service(db.ConnectionString).PlanUpAsync();

        Assert.Equal(PlannedStepKind.CreateHistory, steps[0].Kind);
        Assert.Equal(
            [(1L, "001_a.sql"), (2L, "002_b.sql"), (3L, "003_c.sql")],
            steps.Skip(1).Select(s => (s.Version, Path.GetFileName(s.FilePath!))));
        Assert.All(steps.Skip(1), s => Assert.Equal((PlannedStepKind.Migration, MigrationDirection.Up), (s.Kind, s.Direction)));
        Assert.All(steps, s => Assert.Equal("orders", s.Service));
        Assert.False(await db.TableExistsAsync("schema_migrations"));
        Assert.False(await db.TableExistsAsync("schema_migrations_log"));
        Assert.False(await db.TableExistsAsync("a"));

        // The plan is what the run then does.
        var run = await folder.Service(db.ConnectionString).RunMigrationsAsync();
        Assert.Equal(steps.Select(s => s.Description), run.Planned.Select(s => s.Description));
    }

    [Fact]
    public async Task Plan_up_lists_only_pending_migrations_changes_nothing_and_is_empty_once_applied()
    {
        await using var db = await TestDatabase.CreateAsync();
        using var folder = new ServiceFolder();
        folder.Add("001_a.sql", "CREATE TABLE a (id int);", "DROP TABLE a;");
        await folder.Service(db.ConnectionString).RunMigrationsAsync();
        folder.Add("002_b.sql", "CREATE TABLE b (id int);", "DROP TABLE b;");
        folder.Add("003_c.sql", "CREATE TABLE c (id int);", "DROP TABLE c;");
        var before = await CountRowsAsync(db);

        var steps = await folder.Service(db.ConnectionString).PlanUpAsync(new UpOptions { Count = 5 });
        var oneStep = await folder.Service(db.ConnectionString).PlanUpAsync(new UpOptions { Count = 1 });

        Assert.Equal([2L, 3L], steps.Select(s => s.Version));
        Assert.All(steps, s => Assert.Equal(PlannedStepKind.Migration, s.Kind));
        Assert.Equal([2L], oneStep.Select(s => s.Version));
        Assert.Equal(before, await CountRowsAsync(db));
        Assert.False(await db.TableExistsAsync("b"));

        await folder.Service(db.ConnectionString).RunMigrationsAsync();
        Assert.Empty(await folder.Service(db.ConnectionString).PlanUpAsync());
    }

    [Fact]
    public async Task Plan_rollback_lists_the_downs_newest_first_and_changes_nothing()
    {
        await using var db = await TestDatabase.CreateAsync();
        using var folder = new ServiceFolder();
        folder.Add("001_a.sql", "CREATE TABLE a (id int);", "DROP TABLE a;");
        folder.Add("002_b.sql", "CREATE TABLE b (id int);", "DROP TABLE b;");
        folder.Add("003_c.sql", "CREATE TABLE c (id int);", "DROP TABLE c;");
        await folder.Service(db.ConnectionString).RunMigrationsAsync();
        var before = await CountRowsAsync(db);

        var newest = await folder.Service(db.ConnectionString).PlanRollbackAsync(new DownOptions());
        var all = await folder.Service(db.ConnectionString).PlanRollbackAsync(new DownOptions { Target = 0 });

        Assert.Equal(3L, Assert.Single(newest).Version);
        Assert.Equal([3L, 2L, 1L], all.Select(s => s.Version));
        Assert.All(all, s => Assert.Equal((PlannedStepKind.Migration, MigrationDirection.Down), (s.Kind, s.Direction)));
        Assert.Equal(before, await CountRowsAsync(db));
        Assert.Equal([1L, 2L, 3L], await db.AppliedVersionsAsync());
        Assert.True(await db.TableExistsAsync("c"));

        var rollback = await folder.Service(db.ConnectionString).RollbackAsync(new DownOptions { Target = 0 });
        Assert.Equal(all.Select(s => s.Version), rollback.Results.Select(r => r.Version));
    }

    [Fact]
    public async Task Plans_throw_the_refusals_the_runs_would()
    {
        await using var db = await TestDatabase.CreateAsync();
        using var folder = new ServiceFolder();
        folder.Add("001_a.sql", "CREATE TABLE a (id int);", "DROP TABLE a;");
        folder.Add("002_b.sql", "CREATE TABLE b (id int);", "-- nothing to undo");
        await folder.Service(db.ConnectionString).RunMigrationsAsync();
        var before = await CountRowsAsync(db);

        // An irreversible migration (an empty DOWN): the rollback plan refuses as the rollback does.
        var irreversible = await Assert.ThrowsAsync<RollbackRefusedException>(
            () => folder.Service(db.ConnectionString).PlanRollbackAsync(new DownOptions()));
        Assert.Contains("no DOWN statements", irreversible.Message);
        Assert.Equal(
            2L,
            Assert.Single(await folder.Service(db.ConnectionString).PlanRollbackAsync(new DownOptions { Force = true })).Version);

        // A file changed since it was applied: the up plan refuses as the run does.
        folder.Add("001_a.sql", "CREATE TABLE a (id int); -- edited", "DROP TABLE a;");
        folder.Add("003_c.sql", "CREATE TABLE c (id int);", "DROP TABLE c;");
        var mismatch = await Assert.ThrowsAsync<MigrationRefusedException>(() => folder.Service(db.ConnectionString).PlanUpAsync());
        Assert.Equal("ChecksumMismatch", mismatch.ErrorId);
        var run = await Assert.ThrowsAsync<MigrationRefusedException>(() => folder.Service(db.ConnectionString).RunMigrationsAsync());
        Assert.Equal(run.Message, mismatch.Message);

        Assert.Equal(before, await CountRowsAsync(db));
        Assert.False(await db.TableExistsAsync("c"));
    }
}
