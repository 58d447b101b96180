namespace SharedMigrations.Core;

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

/// <summary>One step a run is about to take; offered to <see cref="RunOptions.Approve"/> first, so a caller can confirm it or report it (WhatIf).</summary>
public sealed class PlannedStep
{
    public required string Service { get; init; }

    public required PlannedStepKind Kind { get; init; }

    public long Version { get; init; }

    public string Name { get; init; } = string.Empty;

    public MigrationDirection Direction { get; init; }

    public string? FilePath { get; init; }

    public TransactionMode Transaction { get; init; }

    public int Statements { get; init; }

    /// <summary>Where it runs: host:port/database (never the password).</summary>
    public string? Server { get; init; }

    /// <summary>The migration file, for a migration going up.</summary>
    public Migration? Migration { get; init; }

    /// <summary>A sentence saying exactly what will run, for -WhatIf and -Confirm.</summary>
    public required string Description { get; init; }

    public override string ToString() => Description;
}

/// <summary>Hears what a run does as it happens. Every method may be called from a worker thread; the default does nothing.</summary>
public class MigrationObserver
{
    /// <summary>A step of the work and what it took, for -Verbose.</summary>
    public virtual void OnVerbose(string service, string message)
    {
    }

    /// <summary>Something the user should see but that does not stop the run (unknown config keys, Missing files).</summary>
    public virtual void OnWarning(string service, string message)
    {
    }

    /// <summary>The run lock is held by another run; this run waits (up to migration.lock_wait).</summary>
    public virtual void OnLockWaiting(string service, RunLockHolder? holder)
    {
    }

    /// <summary>The history was read (under the run lock, or read-only in a dry run), before anything runs.</summary>
    public virtual void OnHistoryRead(string service, HistorySnapshot history)
    {
    }

    /// <summary>A migration is about to run.</summary>
    public virtual void OnStepStarting(PlannedStep step, int index, int count)
    {
    }

    /// <summary>A migration finished, well or not.</summary>
    public virtual void OnStepCompleted(MigrationResult result, int index, int count)
    {
    }
}

/// <summary>Options every run shares.</summary>
public abstract class RunOptions
{
    /// <summary>Read the state and report the plan through <see cref="Approve"/>, without taking the lock or changing anything (read-only session).</summary>
    public bool DryRun { get; init; }

    /// <summary>Asked before each step. In a dry run every step is offered and none runs; otherwise the run stops at the first step declined.</summary>
    public Func<PlannedStep, CancellationToken, ValueTask<bool>>? Approve { get; init; }

    public MigrationObserver? Observer { get; init; }
}

/// <summary>Options of <c>up</c>.</summary>
public sealed class UpOptions : RunOptions
{
    /// <summary>Apply pending migrations up to and including this version.</summary>
    public long? Target { get; init; }

    /// <summary>Apply at most this many migrations.</summary>
    public int? Count { get; init; }

    /// <summary>Apply OutOfOrder migrations too (as migration.out_of_order: true does).</summary>
    public bool AllowOutOfOrder { get; init; }
}

/// <summary>Options of <c>down</c>.</summary>
public sealed class DownOptions : RunOptions
{
    /// <summary>Roll back every applied migration above this version (0: all).</summary>
    public long? Target { get; init; }

    /// <summary>Roll back the newest this many (default 1).</summary>
    public int? Count { get; init; }

    /// <summary>Roll back even when rollback_safety forbids it (empty DOWN, modified file).</summary>
    public bool Force { get; init; }
}

/// <summary>Options of repair.</summary>
public sealed class RepairOptions : RunOptions
{
}

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

    public bool Succeeded => Results.All(r => r.Succeeded);
}
