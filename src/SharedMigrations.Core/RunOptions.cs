using SharedMigrations.Core.Planning;

namespace SharedMigrations.Core;

/// <summary>Options every run shares.</summary>
public abstract class RunOptions
{
    /// <summary>
    /// Read the state and report the plan through <see cref="Approve"/>, without taking the lock or changing anything (read-only session).
    /// </summary>
    public bool DryRun { get; init; }

    /// <summary>
    /// Asked before each step. In a dry run every step is offered and none runs; otherwise the run stops at the first step declined.
    /// </summary>
    public Func<PlannedStep, CancellationToken, ValueTask<bool>>? Approve { get; init; }

    public MigrationObserver? Observer { get; init; }

    /// <summary>The migration files when the caller loaded them already (a fleet run loads each folder once); null: load them.</summary>
    internal Model.MigrationSet? Files { get; init; }

    /// <summary>How long loading <see cref="Files"/> took, for the verbose line.</summary>
    internal TimeSpan FilesLoadTime { get; init; }
}
