namespace SharedMigrations.Core.Fleet;

/// <summary>Hears what a fleet run does. Methods may be called from worker threads, several at a time.</summary>
public class FleetObserver
{
    /// <summary>The observer of one service's run (verbose lines, results, lock waits); null for none.</summary>
    public virtual MigrationObserver? ForService(MigrationService service) => null;

    /// <summary>A service starts its run (it holds one of the ThrottleLimit places).</summary>
    public virtual void OnServiceStarted(MigrationService service)
    {
    }

    /// <summary>A service waits for another service (a Requires: or depends_on), for the reason given.</summary>
    public virtual void OnServiceWaiting(MigrationService service, string reason)
    {
    }

    /// <summary>A service is done: succeeded, failed (with the error) or skipped (with the reason).</summary>
    public virtual void OnServiceFinished(FleetServiceOutcome outcome)
    {
    }
}
