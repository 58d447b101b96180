namespace SharedMigrations.Core.Schema;

/// <summary>A service's round trip test: each migration's result, and the scratch database it ran on.</summary>
public sealed class RoundTripReport
{
    public required string Service { get; init; }

    public required IReadOnlyList<RoundTripResult> Results { get; init; }

    /// <summary>The scratch database (name only, never credentials).</summary>
    public required string ScratchDatabase { get; init; }

    /// <summary>Whether the scratch database was created by the test.</summary>
    public bool Created { get; init; }

    /// <summary>Whether it is still there after the test (a given one, or a created one with KeepDatabase).</summary>
    public bool Kept { get; init; }
}
