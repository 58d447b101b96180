using System.Diagnostics;
using SharedMigrations.Core;
using SharedMigrations.Tests.Support;
using Xunit.Abstractions;

namespace SharedMigrations.Tests.Reliability;

/// <summary>
/// Many runs of one service at the same moment (parallel replicas starting, several CI jobs): each migration is applied
/// exactly once, every run ends well, and a run that had to wait for another one says so.
/// The 8-process version through the module is in tests/pester/Reliability.Tests.ps1.
/// </summary>
[Trait("Category", "Reliability")]
public class ConcurrencyTests(ITestOutputHelper output)
{
    public const int Migrations = 50;
    public const int Runs = 16;

    [Fact]
    public async Task Sixteen_parallel_runs_apply_each_of_fifty_migrations_exactly_once_and_waiting_runs_say_so()
    {
        await using var db = await TestDatabase.CreateAsync("reliability_concurrency");
        using var folder = new ServiceFolder("fleet");
        folder.Add("001_log.sql", "CREATE TABLE log (n int NOT NULL, backend int NOT NULL DEFAULT pg_backend_pid());");
        for (var i = 2; i <= Migrations; i++)
        {
            folder.Add($"{i:000}_step_{i}.sql", $"INSERT INTO log (n) VALUES ({i});\nSELECT pg_sleep(0.01);");
        }

        var observers = Enumerable.Range(0, Runs).Select(_ => new RecordingObserver()).ToArray();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var watch = Stopwatch.StartNew();
        var runs = observers.Select(async observer =>
        {
            await start.Task;
            return await folder.Service(db.ConnectionString).RunMigrationsAsync(new UpOptions { Observer = observer });
        }).ToArray();
        start.SetResult();
        var results = await Task.WhenAll(runs); // every run ends successfully: none throws
        watch.Stop();

        // Exactly once: across all runs, and in the database.
        var applied = results.SelectMany(r => r.Results).ToArray();
        Assert.All(applied, r => Assert.True(r.Succeeded));
        Assert.Equal(Enumerable.Range(1, Migrations).Select(i => (long)i), applied.Select(r => r.Version).Order());
        Assert.Equal(Migrations - 1, await db.ScalarAsync<long>("SELECT count(*) FROM log"));
        Assert.Equal(Migrations - 1, await db.ScalarAsync<long>("SELECT count(DISTINCT n) FROM log"));
        Assert.Equal(Migrations, (await db.AppliedVersionsAsync()).Count);
        Assert.Equal(
            Migrations,
            await db.ScalarAsync<long>("SELECT count(*) FROM schema_migrations_log WHERE direction = 'up' AND succeeded"));
        Assert.Equal(
            Migrations,
            await db.ScalarAsync<long>("SELECT count(DISTINCT version) FROM schema_migrations_log WHERE direction = 'up'"));
        Assert.Equal(0, await db.ScalarAsync<long>("SELECT count(*) FROM schema_migrations_log WHERE NOT succeeded"));

        // A run that waited was told so, once, with the holder; a run that did not wait was not told.
        for (var i = 0; i < Runs; i++)
        {
            var waited = results[i].LockWaited > TimeSpan.Zero;
            Assert.Equal(waited ? 1 : 0, observers[i].LockWaits);
            if (waited)
            {
                var holder = Assert.Single(observers[i].Holders);
                if (holder is not null) // null only when the holder let go between the two queries
                {
                    Assert.StartsWith("SharedMigrations fleet@", holder.ApplicationName);
                }

                Assert.Contains(observers[i].Messages, m => m.Contains("took the run lock after waiting", StringComparison.Ordinal));
            }
        }

        var waiting = results.Count(r => r.LockWaited > TimeSpan.Zero);
        Assert.True(waiting >= 1, "at least one of 16 runs started together must have waited for another");
        Assert.Equal(
            0,
            await db.ScalarAsync<long>("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = (SELECT oid " +
                "FROM pg_database WHERE datname = current_database())"));
        output.WriteLine(
            $"FIGURE concurrency-engine: {Runs} parallel runs, {Migrations} migrations, each applied once; {waiting} runs waited " +
            $"(longest {results.Max(r => r.LockWaited).TotalSeconds:0.00} s); {results.Count(r => r.Results.Count > 0)} run(s) applied " +
                $"something; {watch.Elapsed.TotalSeconds:0.0} s");
    }
}
