namespace SharedMigrations.Core;

/// <summary>The state of a migration, from its file and the history table.</summary>
public enum MigrationState
{
    /// <summary>In the history, file present, checksum equal.</summary>
    Applied,

    /// <summary>File present, not in the history.</summary>
    Pending,

    /// <summary>Pending, but its version is below the highest applied one.</summary>
    OutOfOrder,

    /// <summary>Applied, but the file's checksum differs.</summary>
    Modified,

    /// <summary>Applied, but no file has that version.</summary>
    Missing,

    /// <summary>A <c>Transaction: none</c> migration that stopped part way.</summary>
    Failed,
}

/// <summary>One migration's state.</summary>
public sealed class MigrationStatusEntry
{
    public required long Version { get; init; }

    public required string Name { get; init; }

    public required MigrationState State { get; init; }

    public DateTimeOffset? AppliedAt { get; init; }

    public TimeSpan? ExecutionTime { get; init; }

    /// <summary>The file, or null when it is Missing.</summary>
    public string? FilePath { get; init; }

    public Migration? Migration { get; init; }

    public AppliedMigration? Applied { get; init; }

    /// <summary>Why the state is what it is, for the states that need a word (Modified, Missing, Failed, OutOfOrder).</summary>
    public string? Detail { get; init; }
}

/// <summary>How a service stands as a whole.</summary>
public enum ServiceState
{
    UpToDate,
    Pending,
    Drifted,
    Unreachable,
}

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
    public static ServiceStatusReport Unreachable(string service, string? database, string? server, long latestVersion, string reason) => new()
    {
        Service = service,
        Database = database,
        Server = server,
        LatestVersion = latestVersion,
        State = ServiceState.Unreachable,
        Reason = reason,
    };
}
