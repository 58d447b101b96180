namespace SharedMigrations.Benchmarks;

/// <summary>How big and how often: the issue's sizes for the full run, tiny ones for the smoke run that CI can afford.</summary>
public sealed record Sizes(
    string Name,
    int Apply,
    int ApplyLarge,
    int Files,
    int FleetServices,
    int FleetMigrations,
    int Warmup,
    int ApplyIterations,
    int LargeIterations,
    int NoOpIterations,
    int ProcessIterations,
    int FileIterations,
    int FleetIterations,
    int SnapshotTables = 500,
    int SnapshotFunctions = 200,
    int RoundTrip = 300,
    int SnapshotIterations = 11,
    int RoundTripIterations = 3)
{
    /// <summary>
    /// W1 200, W4 1,000, 10,000 files, a fleet of 50 × 10, a snapshot of 500 tables and 200 functions, a round trip of 300
    /// migrations; about 8 minutes on 2 cores.
    /// </summary>
    public static readonly Sizes Full = new(
        "full", Apply: 200, ApplyLarge: 1000, Files: 10_000, FleetServices: 50, FleetMigrations: 10,
        Warmup: 1, ApplyIterations: 7, LargeIterations: 3, NoOpIterations: 11, ProcessIterations: 5, FileIterations: 5, FleetIterations: 4);

    /// <summary>Every contender once on tiny sizes: proves the harness still runs end to end (CI); the figures mean nothing.</summary>
    public static readonly Sizes Smoke = new(
        "smoke", Apply: 5, ApplyLarge: 12, Files: 100, FleetServices: 3, FleetMigrations: 2,
        Warmup: 0, ApplyIterations: 1, LargeIterations: 1, NoOpIterations: 1, ProcessIterations: 1, FileIterations: 1, FleetIterations: 1,
        SnapshotTables: 5, SnapshotFunctions: 2, RoundTrip: 4, SnapshotIterations: 1, RoundTripIterations: 1);

    /// <summary>Whether the sizes are the issue's, so its quoted figures (and the targets) apply.</summary>
    public bool IsIssueSize => Apply == 200 && ApplyLarge == 1000 && FleetServices == 50 && FleetMigrations == 10 && Files == 10_000;
}
