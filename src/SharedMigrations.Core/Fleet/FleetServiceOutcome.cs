using SharedMigrations.Core.Errors;

namespace SharedMigrations.Core.Fleet;

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
