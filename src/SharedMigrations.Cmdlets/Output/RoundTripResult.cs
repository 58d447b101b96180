namespace SharedMigrations;

/// <summary>The round trip of one migration (Test-MigrationRoundTrip).</summary>
public sealed class RoundTripResult
{
    public string Service { get; init; } = string.Empty;

    public long Version { get; init; }

    public string Name { get; init; } = string.Empty;

    public RoundTripOutcome Result { get; init; }

    /// <summary>Where it failed (Up, Down, Restore, Reapply); null when it passed or is irreversible.</summary>
    public RoundTripStage? Stage { get; init; }

    /// <summary>What the DOWN left behind or failed to restore (Restore), or what the second UP made differently (Reapply).</summary>
    public SchemaDifference[] Differences { get; init; } = [];

    public string? Error { get; init; }

    /// <summary>The migration file.</summary>
    public string? File { get; init; }

    /// <summary>The failing statement's line, or the DOWN marker's for a Restore difference.</summary>
    public int? Line { get; init; }

    public TimeSpan Duration { get; init; }

    /// <summary>The service folder.</summary>
    public string Path { get; init; } = string.Empty;

    public override string ToString() => $"{Service} {Version}_{Name} {Result}{(Stage is { } s ? " at " + s : string.Empty)}";
}
