using SharedMigrations.Core.Model;
using SharedMigrations.Core.Planning;

namespace SharedMigrations.Core;

/// <summary>What a run did.</summary>
public sealed class MigrationRunResult
{
    public required string Service { get; init; }

    public required MigrationDirection Direction { get; init; }

    /// <summary>Each migration run, in order (the last one may have failed).</summary>
    public required IReadOnlyList<MigrationResult> Results { get; init; }

    /// <summary>The steps planned (in a dry run, what would run).</summary>
    public required IReadOnlyList<PlannedStep> Planned { get; init; }

    public long FromVersion { get; init; }

    public long ToVersion { get; init; }

    /// <summary>How long the run waited for another run's lock.</summary>
    public TimeSpan LockWaited { get; init; }

    public bool DryRun { get; init; }

    public bool HistoryCreated { get; init; }

    /// <summary>The step an up run paused before because <see cref="UpOptions.StopBefore"/> asked it to, or null.</summary>
    internal PlannedStep? StoppedBefore { get; init; }

    public bool Succeeded => Results.All(r => r.Succeeded);
}
