using Npgsql;
using SharedMigrations.Core;
using SharedMigrations.Core.Database;
using SharedMigrations.Core.Errors;
using SharedMigrations.Core.Model;
using SharedMigrations.Core.Planning;
using SharedMigrations.Tests.Support;

namespace SharedMigrations.Tests.Engine;

/// <summary>Applying and rolling back against a real PostgreSQL; each test on a fresh database.</summary>
public class RunTests
{
    [Fact]
    public async Task Applies_pending_migrations_in_order_with_history_and_audit_rows()
    {
        await using var db = await TestDatabase.CreateAsync();
        using var folder = new ServiceFolder("orders");
        folder.Add("001_create_orders.sql", "CREATE TABLE orders (id int PRIMARY KEY);", "DROP TABLE orders;");
        folder.Add("002_add_total.sql", "ALTER TABLE orders ADD COLUMN total numeric;", "ALTER TABLE orders DROP COLUMN total;");

        var run = await folder.Service(db.ConnectionString).RunMigrationsAsync();

        Assert.Equal([1L, 2L], run.Results.Select(r => r.Version));
        Assert.All(run.Results, r => Assert.True(r.Succeeded));
        Assert.True(run.HistoryCreated);
        Assert.Equal((0L, 2L), (run.FromVersion, run.ToVersion));
        Assert.Equal([1L, 2L], await db.AppliedVersionsAsync());
        Assert.True(await db.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = 'orders' AND " +
            "column_name = 'total')"));
        Assert.Equal(
            2,
            await db.ScalarAsync<long>("SELECT count(*) FROM schema_migrations_log WHERE direction = 'up' AND succeeded AND service = " +
                "'orders'"));
        Assert.Equal("DROP TABLE orders;\n", await db.ScalarAsync<string>("SELECT down_script FROM schema_migrations WHERE version = 1"));
        Assert.StartsWith("sha256:", await db.ScalarAsync<string>("SELECT checksum FROM schema_migrations WHERE version = 1"));

        var again = await folder.Service(db.ConnectionString).RunMigrationsAsync();
        Assert.Empty(again.Results);
        Assert.Equal(2, await db.ScalarAsync<long>("SELECT count(*) FROM schema_migrations_log"));
    }

    [Fact]
    public async Task Dollar_quoted_functions_and_do_blocks_run()
    {
        await using var db = await TestDatabase.CreateAsync();
        using var folder = new ServiceFolder();
        folder.Add("001_fn.sql", """
            CREATE TABLE items (id int, note text, updated_at timestamptz);
            CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $body$
            BEGIN
              NEW.updated_at := now();
              NEW.note := coalesce(NEW.note, 'a;b ''quoted''');
              RETURN NEW;
            END;
            $body$;
            CREATE TRIGGER items_touch BEFORE INSERT ON items FOR EACH ROW EXECUTE FUNCTION touch();
            DO $$
            BEGIN
              IF NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = 'mood') THEN
                CREATE TYPE mood AS ENUM ('ok', 'sad;really');
              END IF;
            END
            $$;
            INSERT INTO items (id) VALUES (1);
            """, "DROP TABLE items; DROP FUNCTION touch(); DROP TYPE mood;");

        await folder.Service(db.ConnectionString).RunMigrationsAsync();

        Assert.Equal("a;b 'quoted'", await db.ScalarAsync<string>("SELECT note FROM items"));
        Assert.Equal(
            2,
            await db.ScalarAsync<long>("SELECT count(*) FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid WHERE t.typname = 'mood'"));
    }

    [Fact]
    public async Task A_failing_middle_migration_is_rolled_back_alone_and_later_ones_are_not_tried()
    {
        await using var db = await TestDatabase.CreateAsync();
        using var folder = new ServiceFolder("billing");
        folder.Add("001_a.sql", "CREATE TABLE a (id int);");
        folder.Write(
            "002_b.sql",
            "-- Migration: b\n-- Description: fails on line 7\n\n-- +++++ UP\nCREATE TABLE b (id int);\nINSERT INTO b VALUES " +
                "(1);\nINSERT INTO b\n  VALUES (nope);\n-- +++++ DOWN\nDROP TABLE b;\n");
        folder.Add("003_c.sql", "CREATE TABLE c (id int);");
        var observed = new List<MigrationResult>();

        var ex = await Assert.ThrowsAsync<MigrationExecutionException>(() =>
            folder.Service(db.ConnectionString).RunMigrationsAsync(new UpOptions { Observer = new Collecting(observed) }));

        Assert.Equal("billing", ex.Service);
        Assert.Equal(2, ex.Version);
        Assert.EndsWith("002_b.sql", ex.FilePath);
        Assert.Equal(8, ex.Line);
        Assert.Equal("42703", ex.SqlState);
        Assert.Contains("002_b.sql line 8", ex.Message);
        Assert.Contains("nope", ex.PostgresMessage);
        Assert.Equal("MigrationFailed", ex.ErrorId);
        Assert.True(await db.TableExistsAsync("a"));
        Assert.False(await db.TableExistsAsync("b"));
        Assert.False(await db.TableExistsAsync("c"));
        Assert.Equal([1L], await db.AppliedVersionsAsync());
        Assert.Equal([(1L, true), (2L, false)], observed.Select(r => (r.Version, r.Succeeded)));
        Assert.Equal(
            1,
            await db.ScalarAsync<long>("SELECT count(*) FROM schema_migrations_log WHERE version = 2 AND NOT succeeded AND sqlstate = " +
                "'42703' AND error LIKE '%line 8%'"));

        // A fixed file runs on the next attempt: a failed attempt never blocks it.
        folder.Add("002_b.sql", "CREATE TABLE b (id int);", "DROP TABLE b;");
        var fixedRun = await folder.Service(db.ConnectionString).RunMigrationsAsync();
        Assert.Equal([2L, 3L], fixedRun.Results.Select(r => r.Version));
    }

    [Fact]
    public async Task Concurrent_index_with_transaction_none_is_applied_and_rolled_back()
    {
        await using var db = await TestDatabase.CreateAsync();
        using var folder = new ServiceFolder();
        folder.Add("001_t.sql", "CREATE TABLE t (x int);", "DROP TABLE t;");
        folder.Add(
            "002_idx.sql",
            "CREATE INDEX CONCURRENTLY t_x ON t (x);\nCOMMENT ON INDEX t_x IS 'made; concurrently';",
            "DROP INDEX CONCURRENTLY IF EXISTS t_x;",
            "-- Transaction: none");

        await folder.Service(db.ConnectionString).RunMigrationsAsync();
        Assert.True(await db.ScalarAsync<bool>("SELECT indisvalid FROM pg_index WHERE indexrelid = 't_x'::regclass"));
        Assert.Equal("none", await db.ScalarAsync<string>("SELECT transaction_mode FROM schema_migrations WHERE version = 2"));
        Assert.Equal(2, await db.ScalarAsync<int>("SELECT statements_done FROM schema_migrations WHERE version = 2"));

        var down = await folder.Service(db.ConnectionString).RollbackAsync(new DownOptions());
        Assert.Equal(2, Assert.Single(down.Results).Version);
        Assert.False(await db.TableExistsAsync("t_x"));
        Assert.Equal([1L], await db.AppliedVersionsAsync());
    }

    [Fact]
    public async Task Concurrent_index_without_transaction_none_is_refused_before_anything_runs()
    {
        await using var db = await TestDatabase.CreateAsync();
        using var folder = new ServiceFolder();
        folder.Add("001_t.sql", "CREATE TABLE t (x int);");
        folder.Add("002_idx.sql", "CREATE INDEX CONCURRENTLY t_x ON t (x);");

        var ex = await Assert.ThrowsAsync<MigrationFormatException>(() => folder.Service(db.ConnectionString).RunMigrationsAsync());

        Assert.Contains("-- Transaction: none", ex.Message);
        Assert.Equal(4, ex.Line);
        Assert.False(await db.TableExistsAsync("t"));
        Assert.False(await db.TableExistsAsync("schema_migrations"));
    }

    [Fact]
    public async Task A_partial_transaction_none_failure_leaves_failed_and_blocks_until_repaired()
    {
        await using var db = await TestDatabase.CreateAsync();
        using var folder = new ServiceFolder();
        folder.Add("001_t.sql", "CREATE TABLE t (x int);");
        folder.Add(
            "002_idx.sql",
            "CREATE INDEX CONCURRENTLY t_x ON t (x);\nCREATE INDEX CONCURRENTLY t_y ON t (y);\nCREATE INDEX CONCURRENTLY t_z ON t (x);",
            "DROP INDEX CONCURRENTLY IF EXISTS t_x;",
            "-- Transaction: none");

        var ex = await Assert.ThrowsAsync<MigrationExecutionException>(() => folder.Service(db.ConnectionString).RunMigrationsAsync());
        Assert.Equal(6, ex.Line);
        Assert.Contains("statements 1 to 1 of 3 stay applied", ex.Message);

        var status = await folder.Service(db.ConnectionString).GetStatusAsync();
        var failed = status.Entries.Single(e => e.Version == 2);
        Assert.Equal(MigrationState.Failed, failed.State);
        Assert.Contains("statement 2 of 3", failed.Detail);
        Assert.Equal(ServiceState.Drifted, status.State);
        Assert.True(await db.TableExistsAsync("t_x"));
        Assert.False(await db.TableExistsAsync("t_z"));

        var refused = await Assert.ThrowsAsync<MigrationRefusedException>(() => folder.Service(db.ConnectionString).RunMigrationsAsync());
        Assert.Equal("FailedMigrationBlocksRun", refused.ErrorId);

        // Put the database right, fix the file, clear the record, run again.
        await db.ExecuteAsync("DROP INDEX t_x");
        folder.Add(
            "002_idx.sql",
            "CREATE INDEX CONCURRENTLY t_x ON t (x);",
            "DROP INDEX CONCURRENTLY IF EXISTS t_x;",
            "-- Transaction: none");
        var events = await folder.Service(db.ConnectionString).RepairAsync(new RepairOptions());
        Assert.Equal(MigrationDirection.Repair, Assert.Single(events).Direction);
        Assert.Equal(
            MigrationState.Pending,
            (await folder.Service(db.ConnectionString).GetStatusAsync()).Entries.Single(e => e.Version == 2).State);
        var rerun = await folder.Service(db.ConnectionString).RunMigrationsAsync();
        Assert.Equal(2, Assert.Single(rerun.Results).Version);
    }

    [Fact]
    public async Task A_migration_whose_file_was_deleted_is_rolled_back_with_the_recorded_down()
    {
        await using var db = await TestDatabase.CreateAsync();
        using var folder = new ServiceFolder();
        folder.Add("001_a.sql", "CREATE TABLE a (id int);", "DROP TABLE a;");
        var gone = folder.Add("002_b.sql", "CREATE TABLE b (id int);", "DROP TABLE b;");
        await folder.Service(db.ConnectionString).RunMigrationsAsync();
        File.Delete(gone);

        var status = await folder.Service(db.ConnectionString).GetStatusAsync();
        Assert.Equal(MigrationState.Missing, status.Entries.Single(e => e.Version == 2).State);

        var down = await folder.Service(db.ConnectionString).RollbackAsync(new DownOptions());

        var result = Assert.Single(down.Results);
        Assert.Equal(2, result.Version);
        Assert.Null(result.FilePath);
        Assert.False(await db.TableExistsAsync("b"));
        Assert.True(await db.TableExistsAsync("a"));
        Assert.Equal([1L], await db.AppliedVersionsAsync());
    }

    [Fact]
    public async Task Rollback_goes_newest_application_first_and_target_leaves_that_version_newest()
    {
        await using var db = await TestDatabase.CreateAsync();
        using var folder = new ServiceFolder();
        for (var i = 1; i <= 4; i++)
        {
            folder.Add($"00{i}_t{i}.sql", $"CREATE TABLE t{i} (id int);", $"DROP TABLE t{i};");
        }

        await folder.Service(db.ConnectionString).RunMigrationsAsync();

        var toTwo = await folder.Service(db.ConnectionString).RollbackAsync(new DownOptions { Target = 2 });
        Assert.Equal([4L, 3L], toTwo.Results.Select(r => r.Version));
        Assert.Equal(2, toTwo.ToVersion);
        Assert.Equal([1L, 2L], await db.AppliedVersionsAsync());

        var all = await folder.Service(db.ConnectionString).RollbackAsync(new DownOptions { Target = 0 });
        Assert.Equal([2L, 1L], all.Results.Select(r => r.Version));
        Assert.Empty(await db.AppliedVersionsAsync());
        Assert.Equal(4, await db.ScalarAsync<long>("SELECT count(*) FROM schema_migrations_log WHERE direction = 'down' AND succeeded"));

        var up = await folder.Service(db.ConnectionString).RunMigrationsAsync(new UpOptions { Target = 3 });
        Assert.Equal([1L, 2L, 3L], up.Results.Select(r => r.Version));
        var one = await folder.Service(db.ConnectionString).RunMigrationsAsync(new UpOptions { Count = 1 });
        Assert.Equal([4L], one.Results.Select(r => r.Version));
        var two = await folder.Service(db.ConnectionString).RollbackAsync(new DownOptions { Count = 2 });
        Assert.Equal([4L, 3L], two.Results.Select(r => r.Version));
    }

    [Fact]
    public async Task Rollback_safety_refuses_empty_down_and_modified_files_unless_forced()
    {
        await using var db = await TestDatabase.CreateAsync();
        using var folder = new ServiceFolder();
        folder.Add("001_a.sql", "CREATE TABLE a (id int);", "DROP TABLE a;");
        folder.Add("002_b.sql", "CREATE TABLE b (id int);", "-- nothing to undo");
        await folder.Service(db.ConnectionString).RunMigrationsAsync();

        var empty = await Assert.ThrowsAsync<RollbackRefusedException>(
            () => folder.Service(db.ConnectionString).RollbackAsync(new DownOptions { Count = 2 }));
        Assert.Contains("no DOWN statements", empty.Message);
        Assert.Equal([1L, 2L], await db.AppliedVersionsAsync());

        var forced = await folder.Service(db.ConnectionString).RollbackAsync(new DownOptions { Force = true });
        Assert.Equal(2, Assert.Single(forced.Results).Version);
        Assert.True(await db.TableExistsAsync("b"));

        folder.Add("001_a.sql", "CREATE TABLE a (id bigint);", "DROP TABLE a;");
        var modified = await Assert.ThrowsAsync<RollbackRefusedException>(
            () => folder.Service(db.ConnectionString).RollbackAsync(new DownOptions()));
        Assert.Contains("changed since it was applied", modified.Message);
        Assert.True(await db.TableExistsAsync("a"));
    }

    [Fact]
    public async Task States_cover_modified_missing_out_of_order_and_refusals()
    {
        await using var db = await TestDatabase.CreateAsync();
        using var folder = new ServiceFolder();
        folder.Add("001_a.sql", "CREATE TABLE a (id int);", "DROP TABLE a;");
        var second = folder.Add("003_c.sql", "CREATE TABLE c (id int);", "DROP TABLE c;");
        await folder.Service(db.ConnectionString).RunMigrationsAsync();

        folder.Add("001_a.sql", "CREATE TABLE a (id int); -- edited", "DROP TABLE a;");
        folder.Add("002_b.sql", "CREATE TABLE b (id int);", "DROP TABLE b;");
        folder.Add("004_d.sql", "CREATE TABLE d (id int);", "DROP TABLE d;");
        File.Delete(second);

        var status = await folder.Service(db.ConnectionString).GetStatusAsync();
        Assert.Equal(
            [(1L, MigrationState.Modified), (2L, MigrationState.OutOfOrder), (3L, MigrationState.Missing), (4L, MigrationState.Pending)],
            status.Entries.Select(e => (e.Version, e.State)));
        Assert.Equal(ServiceState.Drifted, status.State);
        Assert.Equal(3, status.CurrentVersion);
        Assert.Equal(4, status.LatestVersion);
        Assert.Equal(2, status.Pending);
        Assert.Equal(3, status.Problems.Count);

        var refused = await Assert.ThrowsAsync<MigrationRefusedException>(() => folder.Service(db.ConnectionString).RunMigrationsAsync());
        Assert.Equal("ChecksumMismatch", refused.ErrorId);
        Assert.Contains(refused.Refusals, r => r.Reason == RefusalReason.OutOfOrder);
        Assert.False(await db.TableExistsAsync("d"));

        await folder.Service(db.ConnectionString).RepairAsync(new RepairOptions());
        var outOfOrder = await Assert.ThrowsAsync<MigrationRefusedException>(
            () => folder.Service(db.ConnectionString).RunMigrationsAsync());
        Assert.Equal("OutOfOrderMigration", outOfOrder.ErrorId);

        var allowed = await folder.Service(db.ConnectionString).RunMigrationsAsync(new UpOptions { AllowOutOfOrder = true });
        Assert.Equal([2L, 4L], allowed.Results.Select(r => r.Version));
    }

    [Fact]
    [Trait("Category", "Reliability")]
    public async Task Waiting_longer_than_lock_wait_names_the_holder()
    {
        await using var db = await TestDatabase.CreateAsync();
        using var folder = new ServiceFolder("auth");
        folder.Config("migration:\n  lock_wait: 300ms\n");
        folder.Add("001_a.sql", "CREATE TABLE a (id int);");
        var service = folder.Service(db.ConnectionString);

        await using (var held = await service.Database.AcquireLockAsync())
        {
            var holders = new List<RunLockHolder?>();
            var ex = await Assert.ThrowsAsync<RunLockTimeoutException>(() =>
                folder.Service(db.ConnectionString).RunMigrationsAsync(new UpOptions { Observer = new Collecting([], holders) }));

            Assert.Equal("RunLockTimeout", ex.ErrorId);
            Assert.NotNull(ex.Holder);
            Assert.Contains($"pid {ex.Holder!.ProcessId}", ex.Message);
            Assert.Contains("SharedMigrations auth@", ex.Message);
            Assert.Contains("300ms", ex.Message);
            Assert.True(ex.Waited >= TimeSpan.FromMilliseconds(300));
            Assert.Single(holders);
            Assert.False(await db.TableExistsAsync("a"));
        }

        await folder.Service(db.ConnectionString).RunMigrationsAsync();
        Assert.True(await db.TableExistsAsync("a"));
    }

    [Fact]
    [Trait("Category", "Reliability")]
    public async Task Services_sharing_a_database_with_different_history_tables_do_not_wait_on_each_other()
    {
        await using var db = await TestDatabase.CreateAsync();
        using var one = new ServiceFolder("one");
        one.Config("migration:\n  table_name: one_history\n  lock_wait: 0\n");
        one.Add("001_a.sql", "CREATE TABLE one_a (id int);");
        using var two = new ServiceFolder("two");
        two.Config("migration:\n  table_name: two_history\n  lock_wait: 0\n");
        two.Add("001_a.sql", "CREATE TABLE two_a (id int);");

        await using (await one.Service(db.ConnectionString).Database.AcquireLockAsync())
        {
            await two.Service(db.ConnectionString).RunMigrationsAsync();
            await Assert.ThrowsAsync<RunLockTimeoutException>(() => one.Service(db.ConnectionString).RunMigrationsAsync());
        }

        Assert.True(await db.TableExistsAsync("two_a"));
        Assert.True(await db.TableExistsAsync("two_history"));
    }

    [Fact]
    [Trait("Category", "Reliability")]
    public async Task Lock_timeout_stops_a_migration_that_waits_on_a_busy_table()
    {
        await using var db = await TestDatabase.CreateAsync();
        using var folder = new ServiceFolder();
        folder.Config("migration:\n  lock_timeout: 200ms\n");
        folder.Add("001_t.sql", "CREATE TABLE busy (id int);");
        await folder.Service(db.ConnectionString).RunMigrationsAsync();
        folder.Add("002_alter.sql", "ALTER TABLE busy ADD COLUMN x int;");

        await using var blocker = new NpgsqlConnection(db.ConnectionString);
        await blocker.OpenAsync();
        await using var tx = await blocker.BeginTransactionAsync();
        await using (var lockIt = new NpgsqlCommand("LOCK TABLE busy IN ACCESS SHARE MODE", blocker, tx))
        {
            await lockIt.ExecuteNonQueryAsync();
        }

        var ex = await Assert.ThrowsAsync<MigrationExecutionException>(() => folder.Service(db.ConnectionString).RunMigrationsAsync());
        Assert.Equal("55P03", ex.SqlState);
        Assert.Equal("MigrationLockTimeout", ex.ErrorId);
        Assert.Contains("migration.lock_timeout (200ms)", ex.Message);
        await tx.RollbackAsync();
        Assert.Equal([1L], await db.AppliedVersionsAsync());
    }

    [Fact]
    [Trait("Category", "Reliability")]
    public async Task A_wrong_password_error_never_contains_the_password()
    {
        await using var db = await TestDatabase.CreateAsync();
        using var folder = new ServiceFolder("auth");
        folder.Add("001_a.sql", "SELECT 1;");
        var builder = new NpgsqlConnectionStringBuilder(db.ConnectionString) { Password = "Wr0ng-Pa55word!" };

        var ex = await Assert.ThrowsAsync<DatabaseConnectionException>(() => folder.Service(builder.ConnectionString).GetStatusAsync());

        Assert.Equal("DatabaseAuthenticationFailed", ex.ErrorId);
        Assert.Equal("28P01", ex.SqlState);
        Assert.Contains("auth", ex.Message);
        Assert.Contains(builder.Host!, ex.Message);
        Assert.DoesNotContain("Wr0ng-Pa55word!", ex.ToString());
        Assert.DoesNotContain(new NpgsqlConnectionStringBuilder(db.ConnectionString).Password!, ex.ToString());
    }

    [Fact]
    [Trait("Category", "Reliability")]
    public async Task An_unreachable_server_is_a_connection_error_naming_host_and_port()
    {
        using var folder = new ServiceFolder("auth");
        folder.Config(
            "database:\n  host: 127.0.0.1\n  port: 1\n  username: u\n  password: secretpw\n  database: d\n  connect_retries: 0\n");
        folder.Add("001_a.sql", "SELECT 1;");
        var service = MigrationService.ForService(folder.Definition());

        var ex = await Assert.ThrowsAsync<DatabaseConnectionException>(() => service.GetStatusAsync());

        Assert.Equal("DatabaseUnreachable", ex.ErrorId);
        Assert.Contains("127.0.0.1:1", ex.Message);
        Assert.Contains("refused", ex.Message);
        Assert.DoesNotContain("secretpw", ex.ToString());
    }

    [Fact]
    [Trait("Category", "Reliability")]
    public async Task A_malicious_table_name_is_rejected_and_nothing_is_dropped()
    {
        await using var db = await TestDatabase.CreateAsync();
        await db.ExecuteAsync("CREATE TABLE users (id int); INSERT INTO users VALUES (1);");
        using var folder = new ServiceFolder();
        folder.Config("migration:\n  table_name: \"x; DROP TABLE users; --\"\n");
        folder.Add("001_a.sql", "SELECT 1;");

        var ex = Assert.Throws<ConfigurationException>(() => folder.Service(db.ConnectionString));

        Assert.Equal("migration.table_name", ex.Key);
        Assert.Equal(1, await db.ScalarAsync<long>("SELECT count(*) FROM users"));
    }

    [Fact]
    [Trait("Category", "Reliability")]
    public async Task Names_reach_sql_only_as_parameters()
    {
        await using var db = await TestDatabase.CreateAsync();
        await db.ExecuteAsync("CREATE TABLE users (id int);");
        using var folder = new ServiceFolder("x'); DROP TABLE users; --");
        folder.Add("001_a.sql", "SELECT 1;");

        await folder.Service(db.ConnectionString).RunMigrationsAsync();

        Assert.True(await db.TableExistsAsync("users"));
        Assert.Equal("x'); DROP TABLE users; --", await db.ScalarAsync<string>("SELECT service FROM schema_migrations_log"));
    }

    [Fact]
    public async Task Schema_qualified_history_table_is_created_with_its_schema()
    {
        await using var db = await TestDatabase.CreateAsync();
        using var folder = new ServiceFolder();
        folder.Config("migration:\n  table_name: ops.history\n");
        folder.Add("001_a.sql", "CREATE TABLE a (id int);");

        await folder.Service(db.ConnectionString).RunMigrationsAsync();

        Assert.Equal([1L], await db.AppliedVersionsAsync("ops.history"));
        Assert.True(await db.TableExistsAsync("ops.history_log"));
    }

    [Fact]
    public async Task The_audit_log_is_append_only()
    {
        await using var db = await TestDatabase.CreateAsync();
        using var folder = new ServiceFolder();
        folder.Add("001_a.sql", "SELECT 1;");
        await folder.Service(db.ConnectionString).RunMigrationsAsync();

        var ex = await Assert.ThrowsAsync<PostgresException>(() => db.ExecuteAsync("DELETE FROM schema_migrations_log"));
        Assert.Contains("append-only", ex.MessageText);
        await Assert.ThrowsAsync<PostgresException>(() => db.ExecuteAsync("UPDATE schema_migrations_log SET succeeded = false"));
        Assert.Equal(1, await db.ScalarAsync<long>("SELECT count(*) FROM schema_migrations_log"));
    }

    [Fact]
    public async Task A_foreign_history_table_is_reported_not_used()
    {
        await using var db = await TestDatabase.CreateAsync();
        await db.ExecuteAsync("CREATE TABLE schema_migrations (version bigint PRIMARY KEY, dirty boolean NOT NULL)");
        using var folder = new ServiceFolder();
        folder.Add("001_a.sql", "SELECT 1;");

        var ex = await Assert.ThrowsAsync<HistoryTableIncompatibleException>(
            () => folder.Service(db.ConnectionString).RunMigrationsAsync());
        Assert.Contains("migration.table_name", ex.Message);
    }

    [Fact]
    public async Task Dry_run_changes_nothing_and_offers_every_step()
    {
        await using var db = await TestDatabase.CreateAsync();
        using var folder = new ServiceFolder();
        folder.Add("001_a.sql", "CREATE TABLE a (id int);");
        folder.Add("002_b.sql", "CREATE TABLE b (id int);");
        var offered = new List<PlannedStep>();

        var run = await folder.Service(db.ConnectionString).RunMigrationsAsync(new UpOptions
        {
            DryRun = true,
            Approve = (step, _) => { offered.Add(step); return ValueTask.FromResult(false); },
        });

        Assert.Empty(run.Results);
        Assert.Equal([PlannedStepKind.CreateHistory, PlannedStepKind.Migration, PlannedStepKind.Migration], offered.Select(s => s.Kind));
        Assert.Contains("001_a.sql", offered[1].Description);
        Assert.Contains("in one transaction", offered[1].Description);
        Assert.False(await db.TableExistsAsync("schema_migrations"));
        Assert.False(await db.TableExistsAsync("a"));
    }

    [Fact]
    public async Task A_declined_step_stops_the_run_there()
    {
        await using var db = await TestDatabase.CreateAsync();
        using var folder = new ServiceFolder();
        folder.Add("001_a.sql", "CREATE TABLE a (id int);");
        folder.Add("002_b.sql", "CREATE TABLE b (id int);");
        folder.Add("003_c.sql", "CREATE TABLE c (id int);");

        var run = await folder.Service(db.ConnectionString).RunMigrationsAsync(new UpOptions
        {
            Approve = (step, _) => ValueTask.FromResult(step.Version != 2),
        });

        Assert.Equal([1L], run.Results.Select(r => r.Version));
        Assert.False(await db.TableExistsAsync("c"));
    }

    [Fact]
    [Trait("Category", "Reliability")]
    public async Task Cancellation_rolls_back_the_running_migration()
    {
        await using var db = await TestDatabase.CreateAsync();
        using var folder = new ServiceFolder();
        folder.Add("001_a.sql", "CREATE TABLE a (id int);");
        folder.Add("002_slow.sql", "CREATE TABLE slow (id int);\nSELECT pg_sleep(30);");
        using var cts = new CancellationTokenSource();
        var observer = new Collecting([]) { OnStart = step => { if (step.Version == 2) { cts.CancelAfter(300); } } };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            folder.Service(db.ConnectionString).RunMigrationsAsync(new UpOptions { Observer = observer }, cts.Token));

        Assert.Equal([1L], await db.AppliedVersionsAsync());
        Assert.False(await db.TableExistsAsync("slow"));
        Assert.Equal(
            0,
            await db.ScalarAsync<long>("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM " +
                "pg_database WHERE datname = current_database())"));
        Assert.Equal(1, await db.ScalarAsync<long>("SELECT count(*) FROM schema_migrations_log WHERE version = 2 AND NOT succeeded"));
    }

    [Fact]
    public async Task History_lists_every_up_down_and_failure()
    {
        await using var db = await TestDatabase.CreateAsync();
        using var folder = new ServiceFolder("svc");
        folder.Add("001_a.sql", "CREATE TABLE a (id int);", "DROP TABLE a;");
        folder.Add("002_bad.sql", "SELECT * FROM nowhere;");
        await Assert.ThrowsAsync<MigrationExecutionException>(() => folder.Service(db.ConnectionString).RunMigrationsAsync());
        await folder.Service(db.ConnectionString).RollbackAsync(new DownOptions());

        var events = await folder.Service(db.ConnectionString).GetHistoryAsync();

        Assert.Equal(
            [(1L, MigrationDirection.Up, true), (2L, MigrationDirection.Up, false), (1L, MigrationDirection.Down, true)],
            events.Select(e => (e.Version ?? 0, e.Direction, e.Succeeded)));
        Assert.Equal("42P01", events[1].SqlState);
        Assert.All(events, e => Assert.Equal("svc", e.Service));
        Assert.All(events, e => Assert.Contains("@", e.Client));
    }

    private sealed class Collecting(List<MigrationResult> results, List<RunLockHolder?>? holders = null) : MigrationObserver
    {
        public Action<PlannedStep>? OnStart { get; init; }

        public override void OnStepStarting(PlannedStep step, int index, int count) => OnStart?.Invoke(step);

        public override void OnStepCompleted(MigrationResult result, int index, int count)
        {
            lock (results)
            {
                results.Add(result);
            }
        }

        public override void OnLockWaiting(string service, RunLockHolder? holder) => holders?.Add(holder);
    }
}
