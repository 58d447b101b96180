namespace SharedMigrations.Core.Planning;

/// <summary>How a service stands as a whole.</summary>
public enum ServiceState
{
    UpToDate,
    Pending,
    Drifted,
    Unreachable,
}
