namespace SharedMigrations.Core;

/// <summary>How one service of a fleet run ended.</summary>
public enum FleetServiceState
{
    Succeeded,
    Failed,
    Skipped,
}

/// <summary>One service's outcome in a fleet run.</summary>
public sealed class FleetServiceOutcome
{
    public required MigrationService Service { get; init; }

    public required FleetServiceState State { get; init; }

    /// <summary>What the service's run did (null when it failed before running, or was skipped).</summary>
    public MigrationRunResult? Result { get; init; }

    /// <summary>Why it failed or was skipped.</summary>
    public MigrationException? Error { get; init; }
}

/// <summary>What a fleet run did, service by service.</summary>
public sealed class FleetResult
{
    public required IReadOnlyList<FleetServiceOutcome> Services { get; init; }

    public bool Succeeded => Services.All(s => s.State == FleetServiceState.Succeeded);
}

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

/// <summary>Options of a fleet run up.</summary>
public sealed class FleetUpOptions
{
    public long? Target { get; init; }

    public int? Count { get; init; }

    public bool AllowOutOfOrder { get; init; }

    public bool DryRun { get; init; }

    /// <summary>How many services run at the same time.</summary>
    public int ThrottleLimit { get; init; } = Fleet.DefaultThrottleLimit;

    /// <summary>How long to poll a requirement on a service outside the run before failing (null: fail at once).</summary>
    public TimeSpan? WaitForDependency { get; init; }

    /// <summary>Asked before each step of each service (see <see cref="RunOptions.Approve"/>).</summary>
    public Func<PlannedStep, CancellationToken, ValueTask<bool>>? Approve { get; init; }

    public FleetObserver? Observer { get; init; }
}

/// <summary>Options of a fleet rollback.</summary>
public sealed class FleetDownOptions
{
    public long? Target { get; init; }

    public int? Count { get; init; }

    /// <summary>Skip rollback safety and the dependants check.</summary>
    public bool Force { get; init; }

    public bool DryRun { get; init; }

    public int ThrottleLimit { get; init; } = Fleet.DefaultThrottleLimit;

    public Func<PlannedStep, CancellationToken, ValueTask<bool>>? Approve { get; init; }

    public FleetObserver? Observer { get; init; }
}
