using SharedMigrations.Core.Model;

namespace SharedMigrations.Core.Planning;

/// <summary>What a step of a run is.</summary>
public enum PlannedStepKind
{
    /// <summary>Create the history table and the audit log.</summary>
    CreateHistory,

    /// <summary>Run a migration up or down.</summary>
    Migration,

    /// <summary>Record a file's new checksum (an intentional edit).</summary>
    AcceptChecksum,

    /// <summary>Remove a Failed record so that the migration is Pending again.</summary>
    ClearFailed,
}
