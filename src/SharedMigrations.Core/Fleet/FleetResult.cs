namespace SharedMigrations.Core.Fleet;

/// <summary>What a fleet run did, service by service.</summary>
public sealed class FleetResult
{
    public required IReadOnlyList<FleetServiceOutcome> Services { get; init; }

    public bool Succeeded => Services.All(s => s.State == FleetServiceState.Succeeded);
}
