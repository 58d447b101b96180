using SharedMigrations.Core.Model;

namespace SharedMigrations.Core.Planning;

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

    internal Migration? Migration { get; init; }

    public AppliedMigration? Applied { get; init; }

    /// <summary>Why the state is what it is, for the states that need a word (Modified, Missing, Failed, OutOfOrder).</summary>
    public string? Detail { get; init; }
}
