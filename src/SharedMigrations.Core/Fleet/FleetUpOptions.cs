using SharedMigrations.Core.Planning;

namespace SharedMigrations.Core.Fleet;

/// <summary>Options of a fleet run up.</summary>
public sealed class FleetUpOptions
{
    public long? Target { get; init; }

    public int? Count { get; init; }

    public bool AllowOutOfOrder { get; init; }

    public bool DryRun { get; init; }

    /// <summary>How many services run at the same time.</summary>
    public int ThrottleLimit { get; init; } = MigrationFleet.DefaultThrottleLimit;

    /// <summary>How long to poll a requirement on a service outside the run before failing (null: fail at once).</summary>
    public TimeSpan? WaitForDependency { get; init; }

    /// <summary>Asked before each step of each service (see <see cref="RunOptions.Approve"/>).</summary>
    public Func<PlannedStep, CancellationToken, ValueTask<bool>>? Approve { get; init; }

    public FleetObserver? Observer { get; init; }
}
