namespace SharedMigrations.Core.Planning;

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
