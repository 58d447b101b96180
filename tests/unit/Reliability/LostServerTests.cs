using System.Diagnostics;
using Npgsql;
using SharedMigrations.Core;
using SharedMigrations.Core.Database;
using SharedMigrations.Core.Errors;
using SharedMigrations.Testing;
using SharedMigrations.Tests.Support;
using Xunit.Abstractions;

namespace SharedMigrations.Tests.Reliability;

/// <summary>
/// PostgreSQL goes away in the middle of a run (crash, failover, a restart for maintenance) and comes back. Runs on a
/// private local cluster of its own, never on the shared test server.
/// </summary>
[Trait("Category", "Reliability")]
public class LostServerTests(PrivateServer cluster, ITestOutputHelper output) : IClassFixture<PrivateServer>
{
    private PostgresServer Server => cluster.Server;

    [Fact]
    public async Task An_immediate_stop_mid_run_is_a_connection_error_naming_the_service_and_a_rerun_after_restart_completes()
    {
        var (folder, connectionString) = await NewServiceAsync("ledger");
        using var _ = folder;
        var run = Open(folder, connectionString).RunMigrationsAsync();
        await WaitForSleepAsync("ledger", run);

        var watch = Stopwatch.StartNew();
        await Server.StopAsync(immediate: true);
        var ex = await Assert.ThrowsAsync<DatabaseConnectionException>(() => run.WaitAsync(TimeSpan.FromSeconds(60)));
        var failedAfter = watch.Elapsed;

        Assert.Equal("ledger", ex.Service);
        Assert.Equal("DatabaseUnreachable", ex.ErrorId);
        Assert.Equal(MigrationErrorKind.ConnectionError, ex.Kind);
        Assert.StartsWith("ledger: the connection to PostgreSQL was lost while running 002_slow.sql", ex.Message);
        Assert.Contains("it is not applied; run again when the server is back", ex.Message);

        await Server.StartAgainAsync();
        await AssertHistoryAndSchemaAgreeAsync(connectionString, applied: [1]);

        await Poll.ScalarAsync<int>(connectionString, "UPDATE ctl SET seconds = 0");
        var rerun = await Open(folder, connectionString).RunMigrationsAsync();
        Assert.Equal([2L, 3L], rerun.Results.Select(r => r.Version));
        await AssertHistoryAndSchemaAgreeAsync(connectionString, applied: [1, 2, 3]);
        output.WriteLine($"FIGURE lost-server-immediate: run failed {failedAfter.TotalSeconds:0.00} s after pg_ctl stop -m immediate; " +
            $"re-run applied 2 migrations after restart");
    }

    [Fact]
    public async Task A_fast_shutdown_mid_run_is_a_connection_error_too_not_a_failed_migration()
    {
        // A fast shutdown (systemctl restart) or pg_terminate_backend sends SQLSTATE 57P01 before closing the session.
        var (folder, connectionString) = await NewServiceAsync("billing");
        using var _ = folder;
        var run = Open(folder, connectionString).RunMigrationsAsync();
        await WaitForSleepAsync("billing", run);

        await Server.StopAsync(immediate: false);
        var ex = await Assert.ThrowsAsync<DatabaseConnectionException>(() => run.WaitAsync(TimeSpan.FromSeconds(60)));

        Assert.Equal("billing", ex.Service);
        Assert.Equal("57P01", ex.SqlState);
        Assert.Equal("DatabaseUnreachable", ex.ErrorId);
        Assert.Contains("the connection to PostgreSQL was lost while running 002_slow.sql", ex.Message);

        await Server.StartAgainAsync();
        await AssertHistoryAndSchemaAgreeAsync(connectionString, applied: [1]);
        await Poll.ScalarAsync<int>(connectionString, "UPDATE ctl SET seconds = 0");
        await Open(folder, connectionString).RunMigrationsAsync();
        await AssertHistoryAndSchemaAgreeAsync(connectionString, applied: [1, 2, 3]);
    }

    [Fact]
    public async Task A_run_started_while_the_server_is_down_connects_with_retries_once_it_is_back()
    {
        var (folder, connectionString) = await NewServiceAsync("orders", retries: 12);
        using var _ = folder;
        await Poll.ScalarAsync<int>(connectionString, "UPDATE ctl SET seconds = 0");

        await Server.StopAsync(immediate: true);
        var service = Open(folder, connectionString);
        var run = service.RunMigrationsAsync();
        await Task.Delay(1500);
        Assert.False(
            run.IsCompleted,
            $"the run should still be retrying while the server is down, but it ended: {run.Exception?.InnerException}");
        await Server.StartAgainAsync();

        var result = await run.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal([2L, 3L], result.Results.Select(r => r.Version));
        await AssertHistoryAndSchemaAgreeAsync(connectionString, applied: [1, 2, 3]);
    }

    /// <summary>A service whose 001 is applied and whose 002 sleeps (ctl.seconds) after creating a table, then 003.</summary>
    private async Task<(ServiceFolder Folder, string ConnectionString)> NewServiceAsync(string name, int retries = 0)
    {
        var connectionString = await Server.CreateDatabaseAsync("lost_" + name);
        var folder = new ServiceFolder(name);
        try
        {
            folder.Config($"database:\n  connect_timeout: 2s\n  connect_retries: {retries}\n");
            folder.Add("001_ctl.sql", "CREATE TABLE ctl (seconds float NOT NULL);\nINSERT INTO ctl VALUES (20);");
            await Open(folder, connectionString).RunMigrationsAsync();
            folder.Add(
                "002_slow.sql",
                "CREATE TABLE slow (id int);\nINSERT INTO slow VALUES (1);\nSELECT pg_sleep((SELECT seconds FROM ctl));");
            folder.Add("003_after.sql", "CREATE TABLE after_slow (id int);");
            return (folder, connectionString);
        }
        catch
        {
            folder.Dispose();
            throw;
        }
    }

    private static MigrationService Open(ServiceFolder folder, string connectionString) =>
        MigrationService.ForService(folder.Definition(), new ConnectionOverrides { ConnectionString = connectionString });

    private async Task WaitForSleepAsync(string service, Task run) =>
        await Poll.UntilAsync(
            async () => await Poll.ScalarAsync<long>(
                Server.AdminConnectionString,
                $"SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'SharedMigrations {service}@%' AND state = 'active' " +
                    $"AND query LIKE '%pg_sleep%'") > 0,
            TimeSpan.FromSeconds(60),
            $"{service}'s 002_slow.sql to be running",
            run);

    private static async Task AssertHistoryAndSchemaAgreeAsync(string connectionString, long[] applied)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        var versions = new List<long>();
        await using (var command = new NpgsqlCommand(
            "SELECT version FROM schema_migrations WHERE state = 'applied' ORDER BY version",
            connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                versions.Add(reader.GetInt64(0));
            }
        }

        Assert.Equal(applied, versions);
        await using var tables = new NpgsqlCommand(
            "SELECT to_regclass('slow') IS NOT NULL, to_regclass('after_slow') IS NOT NULL, " +
            "(SELECT count(*) FROM schema_migrations WHERE state <> 'applied'), " +
            "(SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE " +
                "datname = current_database()))",
            connection);
        await using var row = await tables.ExecuteReaderAsync();
        await row.ReadAsync();
        Assert.Equal(applied.Contains(2), row.GetBoolean(0));
        Assert.Equal(applied.Contains(3), row.GetBoolean(1));
        Assert.Equal(0, row.GetInt64(2));
        Assert.Equal(0, row.GetInt64(3));
    }
}
