using SharedMigrations.Core;
using SharedMigrations.Tests.Support;

namespace SharedMigrations.Tests.Reliability;

/// <summary>
/// A migration that requires another service's version pauses its service's run before it: the run lock is given back
/// while the service waits, and the run goes on from there once the version is reached.
/// </summary>
[Trait("Category", "Reliability")]
public class FleetPauseTests
{
    // auth's second migration runs while billing waits for it: it checks, from the same database, that billing applied its
    // first migration and holds no advisory lock (its run lock) at that point; it fails the run if that is not seen within
    // 90 s (generous: a loaded 2-core CI runner once needed more than 30 s).
    private const string CheckBillingLockIsFree = """
        DO $$
        DECLARE applied bigint := 0; held bigint := 1;
        BEGIN
          FOR i IN 1..900 LOOP
            PERFORM pg_stat_clear_snapshot();
            IF to_regclass('billing_history') IS NOT NULL THEN
              EXECUTE 'SELECT count(*) FROM billing_history WHERE version = 1' INTO applied;
            END IF;
            SELECT count(*) INTO held FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
              WHERE l.locktype = 'advisory' AND l.granted AND a.application_name LIKE 'SharedMigrations billing@%';
            IF applied = 1 AND held = 0 THEN
              RETURN;
            END IF;
            PERFORM pg_sleep(0.1);
          END LOOP;
          RAISE EXCEPTION 'billing applied % of version 1 and held % lock(s) waiting for auth@2; sessions: %',
            applied, held,
            (SELECT string_agg(a.pid || ':' || a.application_name || ':' || coalesce(a.state, '') || ':' ||
              coalesce(a.wait_event_type, '') || ':' || coalesce(a.wait_event, '') || ':' || left(a.query, 120), ' || ')
              FROM pg_stat_activity a WHERE a.datname = current_database());
        END $$;
        CREATE TABLE auth_b (id int);
        """;

    [Fact]
    public async Task A_service_waiting_for_a_required_version_holds_no_run_lock_and_then_runs_on()
    {
        await using var db = await TestDatabase.CreateAsync("fleet_pause");
        using var auth = new ServiceFolder("auth");
        auth.Config("migration:\n  table_name: auth_history\n");
        auth.Add("001_a.sql", "CREATE TABLE auth_a (id int);", "DROP TABLE auth_a;");
        auth.Add("002_b.sql", CheckBillingLockIsFree, "DROP TABLE auth_b;");
        using var billing = new ServiceFolder("billing");
        billing.Config("migration:\n  table_name: billing_history\n");
        billing.Add("001_a.sql", "CREATE TABLE billing_a (id int);", "DROP TABLE billing_a;");
        billing.Add("002_b.sql", "CREATE TABLE billing_b (id int);", "DROP TABLE billing_b;", "-- Requires: auth@2");
        billing.Add("003_c.sql", "CREATE TABLE billing_c (id int);", "DROP TABLE billing_c;");
        var authService = auth.Service(db.ConnectionString);
        var billingService = billing.Service(db.ConnectionString);

        var result = await new MigrationFleet([authService, billingService]).UpAsync(new FleetUpOptions { ThrottleLimit = 2 });

        Assert.All(result.Services, s => Assert.Equal(FleetServiceState.Succeeded, s.State));
        var run = Assert.Single(result.Services, s => s.Service == billingService).Result!;
        Assert.Equal([1L, 2L, 3L], run.Results.Select(r => r.Version));
        Assert.Equal(0, run.FromVersion);
        Assert.Equal(3, run.ToVersion);
        Assert.True(run.HistoryCreated);
        Assert.Equal([0L, 1L, 2L, 3L], run.Planned.Select(p => p.Version));
        Assert.True(await db.TableExistsAsync("billing_c"));
        Assert.True(await db.TableExistsAsync("auth_b"));
    }
}
