namespace SharedMigrations.Core.Fleet;

/// <summary>How one service of a fleet run ended.</summary>
public enum FleetServiceState
{
    Succeeded,
    Failed,
    Skipped,
}
