using SharedMigrations.Core.Planning;

namespace SharedMigrations.Core;

/// <summary>Options of <c>up</c>.</summary>
public sealed class UpOptions : RunOptions
{
    /// <summary>Apply pending migrations up to and including this version.</summary>
    public long? Target { get; init; }

    /// <summary>Apply at most this many migrations.</summary>
    public int? Count { get; init; }

    /// <summary>Apply OutOfOrder migrations too (as migration.out_of_order: true does).</summary>
    public bool AllowOutOfOrder { get; init; }

    /// <summary>
    /// Asked before each step (not in a dry run): true ends the run there, giving up the lock, and the
    /// result names the step in <see cref="MigrationRunResult.StoppedBefore"/> (a fleet waits for another service, then runs on).
    /// </summary>
    internal Func<PlannedStep, bool>? StopBefore { get; init; }

    /// <summary>Steps run before this run by the same caller, added to the index and count the observer hears.</summary>
    internal int StepsBefore { get; init; }
}
