namespace SharedMigrations.Core.Planning;

/// <summary>One service's status: versions, pending count, problems, and each migration's state.</summary>
public sealed class ServiceStatusReport
{
    public required string Service { get; init; }

    public string? Database { get; init; }

    /// <summary>Where the database is (host:port/database as user), never the password.</summary>
    public string? Server { get; init; }

    public long CurrentVersion { get; init; }

    public long LatestVersion { get; init; }

    public int Pending { get; init; }

    /// <summary>One sentence per problem (Modified, Missing, OutOfOrder, Failed migrations).</summary>
    public IReadOnlyList<string> Problems { get; init; } = Array.Empty<string>();

    public ServiceState State { get; init; }

    /// <summary>For Unreachable: why.</summary>
    public string? Reason { get; init; }

    public bool HistoryExists { get; init; }

    public IReadOnlyList<MigrationStatusEntry> Entries { get; init; } = Array.Empty<MigrationStatusEntry>();

    /// <summary>A row for a service whose database cannot be reached.</summary>
    public static ServiceStatusReport Unreachable(
        string service,
        string? database,
        string? server,
        long latestVersion,
        string reason) => new()
        {
            Service = service,
            Database = database,
            Server = server,
            LatestVersion = latestVersion,
            State = ServiceState.Unreachable,
            Reason = reason,
        };
}
