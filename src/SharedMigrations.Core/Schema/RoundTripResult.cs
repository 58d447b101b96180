using SharedMigrations.Core.Errors;

namespace SharedMigrations.Core.Schema;

/// <summary>
/// The round trip of one migration: its outcome, the failing stage, the schema differences, and the error at its file and line.
/// </summary>
public sealed class RoundTripResult
{
    public required string Service { get; init; }

    public required long Version { get; init; }

    public required string Name { get; init; }

    public required RoundTripOutcome Result { get; init; }

    /// <summary>The first stage that failed (Up, Down, Restore, Reapply); null when it passed or is irreversible.</summary>
    public RoundTripStage? Stage { get; init; }

    /// <summary>For Restore: S2 against S0 (an object the DOWN left behind is Added); for Reapply: S3 against S1.</summary>
    public IReadOnlyList<SchemaDifference> Differences { get; init; } = Array.Empty<SchemaDifference>();

    /// <summary>What went wrong, in a sentence that names the service and file (null when it passed).</summary>
    public string? Error { get; init; }

    /// <summary>The engine's error of a failed UP or DOWN, when there is one.</summary>
    public MigrationException? Exception { get; init; }

    public string? FilePath { get; init; }

    /// <summary>The failing statement's line, or the DOWN marker's line for a Restore difference.</summary>
    public int? Line { get; init; }

    public TimeSpan Duration { get; init; }

    public override string ToString() => $"{Service} {Version}_{Name} {Result}{(Stage is { } s ? " at " + s : string.Empty)}";
}
