using System.Diagnostics;
using Npgsql;
using SharedMigrations.Core;
using SharedMigrations.Core.Errors;
using SharedMigrations.Core.Planning;
using SharedMigrations.Tests.Support;
using Xunit.Abstractions;

namespace SharedMigrations.Tests.Reliability;

/// <summary>
/// migration.lock_timeout and migration.statement_timeout: a migration that would queue behind a long transaction (and
/// make every later query of that table queue behind it) gives up quickly instead, with a message saying what to do.
/// </summary>
[Trait("Category", "Reliability")]
public class GuardrailTests(ITestOutputHelper output)
{
    private const string MigrationWaitsOnLock =
        "application_name LIKE 'SharedMigrations shop@%' AND wait_event_type = 'Lock' AND query LIKE '%ADD COLUMN%'";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_migration_blocked_by_a_long_transaction_fails_after_lock_timeout_with_55P03_without_blocking_other_sessions(
        bool transactionNone)
    {
        await using var db = await TestDatabase.CreateAsync("reliability_lock_timeout");
        using var folder = new ServiceFolder("shop");
        folder.Config("migration:\n  lock_timeout: 500ms\n");
        folder.Add("001_orders.sql", "CREATE TABLE orders (id int PRIMARY KEY);\nINSERT INTO orders SELECT generate_series(1, 100);");
        await folder.Service(db.ConnectionString).RunMigrationsAsync();
        folder.Add(
            "002_add_note.sql",
            "ALTER TABLE orders ADD COLUMN note text;",
            "ALTER TABLE orders DROP COLUMN note;",
            transactionNone ? "-- Transaction: none" : null);

        // A long transaction that has read the table (an idle-in-transaction session, a report, a stuck worker).
        await using var holder = new NpgsqlConnection(db.ConnectionString);
        await holder.OpenAsync();
        await using var transaction = await holder.BeginTransactionAsync();
        await using (var read = new NpgsqlCommand("SELECT count(*) FROM orders", holder, transaction))
        {
            await read.ExecuteScalarAsync();
        }

        var watch = Stopwatch.StartNew();
        var run = folder.Service(db.ConnectionString).RunMigrationsAsync();

        // While the migration waits for its ACCESS EXCLUSIVE lock, live traffic queues behind it; lock_timeout bounds that.
        await Poll.UntilAsync(
            async () =>
                await db.ScalarAsync<long>($"SELECT count(*) FROM pg_stat_activity WHERE {MigrationWaitsOnLock}") > 0 || run.IsCompleted,
            TimeSpan.FromSeconds(30),
            "the migration to wait on the lock");
        var reader = Stopwatch.StartNew();
        await using (var traffic = new NpgsqlConnection(db.ConnectionString))
        {
            await traffic.OpenAsync();
            await using var query = new NpgsqlCommand("SET statement_timeout = '20s'; SELECT count(*) FROM orders", traffic);
            Assert.Equal(100L, await query.ExecuteScalarAsync()); // not cancelled by its own 20 s timeout: it was not blocked for long
        }

        reader.Stop();
        var ex = await Assert.ThrowsAsync<MigrationExecutionException>(() => run.WaitAsync(TimeSpan.FromSeconds(30)));
        watch.Stop();

        Assert.Equal("55P03", ex.SqlState);
        Assert.Equal("MigrationLockTimeout", ex.ErrorId);
        Assert.Equal(MigrationErrorKind.ResourceBusy, ex.Kind);
        Assert.Equal("shop", ex.Service);
        Assert.Equal(2, ex.Version);
        Assert.Contains("002_add_note.sql line", ex.Message);
        Assert.Contains("waited longer than migration.lock_timeout (500ms) for a lock held by another session", ex.Message);
        Assert.Contains("run it when the table is less busy, or raise migration.lock_timeout", ex.Message);
        Assert.True(reader.Elapsed < TimeSpan.FromSeconds(15), $"live traffic waited {reader.Elapsed}");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"the migration gave up after {watch.Elapsed}");

        // Nothing of it applied, the failure is in the audit log, the holder was not disturbed, and a quiet table takes it.
        Assert.Equal([1L], await db.AppliedVersionsAsync());
        Assert.Equal(0, await db.ScalarAsync<long>("SELECT count(*) FROM schema_migrations WHERE version = 2"));
        Assert.False(await db.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = 'orders' AND " +
            "column_name = 'note')"));
        Assert.Equal(
            1,
            await db.ScalarAsync<long>("SELECT count(*) FROM schema_migrations_log WHERE version = 2 AND NOT succeeded AND sqlstate = " +
                "'55P03'"));
        Assert.Equal(System.Data.ConnectionState.Open, holder.State);
        await transaction.RollbackAsync();
        Assert.Equal([2L], (await folder.Service(db.ConnectionString).RunMigrationsAsync()).Results.Select(r => r.Version));
        output.WriteLine($"FIGURE lock-timeout{(transactionNone ? "-transaction-none" : string.Empty)}: lock_timeout 500ms; migration " +
            $"failed with 55P03 after {watch.Elapsed.TotalSeconds:0.00} s; a reader queued behind it " +
                $"for {reader.Elapsed.TotalSeconds:0.00} s");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_statement_running_past_statement_timeout_is_stopped_with_57014(bool transactionNone)
    {
        await using var db = await TestDatabase.CreateAsync("reliability_statement_timeout");
        using var folder = new ServiceFolder("shop");
        folder.Config("migration:\n  statement_timeout: 300ms\n");
        folder.Add(
            "001_backfill.sql",
            "CREATE TABLE IF NOT EXISTS backfill (id int);\nSELECT pg_sleep(30);",
            "DROP TABLE backfill;",
            transactionNone ? "-- Transaction: none" : null);

        var watch = Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<MigrationExecutionException>(() => folder.Service(db.ConnectionString).RunMigrationsAsync());
        watch.Stop();

        Assert.Equal("57014", ex.SqlState);
        Assert.Equal("MigrationStatementTimeout", ex.ErrorId);
        Assert.Equal(MigrationErrorKind.OperationTimeout, ex.Kind);
        Assert.Equal(transactionNone ? 6 : 5, ex.Line); // the pg_sleep line, after the headers, a blank, the UP marker and the CREATE
        Assert.Contains(
            "ran longer than migration.statement_timeout (300ms); raise it for this service or make the statement cheaper",
            ex.Message);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"took {watch.Elapsed}; pg_sleep(30) should have been cut at 300 ms");
        if (transactionNone)
        {
            // Statement 1 stays applied outside a transaction; the migration is Failed at statement 2.
            Assert.Contains("statements 1 to 1 of 2 stay applied", ex.Message);
            var status = await folder.Service(db.ConnectionString).GetStatusAsync();
            Assert.Equal(MigrationState.Failed, status.Entries.Single().State);
            Assert.Contains("stopped at statement 2 of 2", status.Entries.Single().Detail);
        }
        else
        {
            Assert.False(await db.TableExistsAsync("backfill"));
            Assert.Empty(await db.AppliedVersionsAsync());
        }

        output.WriteLine($"FIGURE statement-timeout{(transactionNone ? "-transaction-none" : string.Empty)}: statement_timeout 300ms cut " +
            $"pg_sleep(30); failed after {watch.Elapsed.TotalSeconds:0.00} s");
    }
}
