using SharedMigrations.Core.Model;
using SharedMigrations.Core.Parsing;

namespace SharedMigrations.Core.Planning;

/// <summary>One migration of a down plan: what is rolled back, with which DOWN, and the step offered for it.</summary>
internal sealed class RollbackStep
{
    public required RollbackItem Item { get; init; }

    /// <summary>The DOWN that runs: the file's, or the one recorded at apply time when the file is gone.</summary>
    public required MigrationScript Down { get; init; }

    public required TransactionMode Mode { get; init; }

    public required PlannedStep Step { get; init; }

    /// <summary>The file name, or the version and name when the file is gone.</summary>
    public required string Label { get; init; }
}
