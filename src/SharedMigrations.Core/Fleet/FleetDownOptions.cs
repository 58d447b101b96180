using SharedMigrations.Core.Planning;

namespace SharedMigrations.Core.Fleet;

/// <summary>Options of a fleet rollback.</summary>
public sealed class FleetDownOptions
{
    public long? Target { get; init; }

    public int? Count { get; init; }

    /// <summary>Skip rollback safety and the dependants check.</summary>
    public bool Force { get; init; }

    public bool DryRun { get; init; }

    public int ThrottleLimit { get; init; } = MigrationFleet.DefaultThrottleLimit;

    public Func<PlannedStep, CancellationToken, ValueTask<bool>>? Approve { get; init; }

    public FleetObserver? Observer { get; init; }
}
