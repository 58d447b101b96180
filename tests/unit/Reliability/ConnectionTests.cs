using System.Diagnostics;
using SharedMigrations.Core;
using SharedMigrations.Core.Database;
using SharedMigrations.Core.Errors;
using SharedMigrations.Tests.Support;
using Xunit.Abstractions;

namespace SharedMigrations.Tests.Reliability;

/// <summary>
/// database.connect_timeout and database.connect_retries: a host that never answers fails within the timeout, retried with backoff, and
/// says where.
/// </summary>
[Trait("Category", "Reliability")]
public class ConnectionTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_host_that_never_answers_fails_after_connect_timeout_and_the_retries_naming_host_and_port()
    {
        await using var silent = new SilentServer();
        using var folder = new ServiceFolder("inventory");
        folder.Config(
            "database:\n  host: " + silent.Host + "\n  port: " + silent.Port
                + "\n  username: app\n  password: Sm-Hang-Secret\n  database: inventory\n" +
            "  connect_timeout: 1s\n  connect_retries: 2\n");
        folder.Add("001_a.sql", "SELECT 1;");

        var watch = Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<DatabaseConnectionException>(
            () => MigrationService.ForService(folder.Definition()).RunMigrationsAsync());
        watch.Stop();

        // The first attempt and two retries (a loaded machine may see Npgsql reconnect once within an attempt, after SSL negotiation
        // failed).
        Assert.InRange(silent.Accepted, 3, 6);
        Assert.Equal("DatabaseUnreachable", ex.ErrorId);
        Assert.Equal("inventory", ex.Service);
        Assert.Contains($"{silent.Host}:{silent.Port}", ex.Message);
        Assert.Contains("after 3 attempts", ex.Message);
        Assert.Contains("timed out", ex.Message);
        Assert.DoesNotContain("Sm-Hang-Secret", ex.ToString());

        // 3 attempts of 1 s and backoff of 0.25 + 0.5 s; the bound only proves the timeout fired instead of hanging.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3 + 0.75 + 10), $"took {watch.Elapsed}");
        output.WriteLine($"FIGURE connect-timeout: connect_timeout 1s, connect_retries 2: 3 attempts ({silent.Accepted} TCP " +
            $"connections), failed after {watch.Elapsed.TotalSeconds:0.00} s");
    }

    [Fact]
    public async Task Without_retries_one_attempt_is_made()
    {
        await using var silent = new SilentServer();
        using var folder = new ServiceFolder("inventory");
        folder.Config("database:\n  host: " + silent.Host + "\n  port: " + silent.Port + "\n  username: app\n  database: inventory\n  " +
            "connect_timeout: 1s\n  connect_retries: 0\n");
        folder.Add("001_a.sql", "SELECT 1;");

        var watch = Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<DatabaseConnectionException>(
            () => MigrationService.ForService(folder.Definition()).GetStatusAsync());

        Assert.InRange(silent.Accepted, 1, 2);
        Assert.Contains($"{silent.Host}:{silent.Port}", ex.Message);
        Assert.DoesNotContain("attempts", ex.Message);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1 + 10), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task A_backend_terminated_by_an_administrator_mid_migration_is_a_connection_error()
    {
        await using var db = await TestDatabase.CreateAsync("reliability_terminate");
        using var folder = new ServiceFolder("reports");
        folder.Add("001_ctl.sql", "CREATE TABLE ctl (seconds float NOT NULL);\nINSERT INTO ctl VALUES (20);");
        folder.Add("002_slow.sql", "CREATE TABLE slow (id int);\nSELECT pg_sleep((SELECT seconds FROM ctl));");

        var run = folder.Service(db.ConnectionString).RunMigrationsAsync();
        const string Sleeping = "application_name LIKE 'SharedMigrations reports@%' AND state = 'active' AND query LIKE '%pg_sleep%'";
        await Poll.UntilAsync(
            async () => await db.ScalarAsync<long>($"SELECT count(*) FROM pg_stat_activity WHERE {Sleeping}") > 0,
            TimeSpan.FromSeconds(60),
            "002_slow.sql to run",
            run);
        await db.ExecuteAsync($"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE {Sleeping}");

        var ex = await Assert.ThrowsAsync<DatabaseConnectionException>(() => run.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal("57P01", ex.SqlState);
        Assert.Equal("reports", ex.Service);
        Assert.Contains("002_slow.sql", ex.Message);
        Assert.Equal([1L], await db.AppliedVersionsAsync());
        Assert.False(await db.TableExistsAsync("slow"));
        Assert.Equal(
            0,
            await db.ScalarAsync<long>("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = (SELECT oid " +
                "FROM pg_database WHERE datname = current_database())"));

        await db.ExecuteAsync("UPDATE ctl SET seconds = 0");
        Assert.Equal([2L], (await folder.Service(db.ConnectionString).RunMigrationsAsync()).Results.Select(r => r.Version));
    }
}
