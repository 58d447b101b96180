using SharedMigrations.Core.Database;
using SharedMigrations.Core.Errors;
using SharedMigrations.Core.Model;
using SharedMigrations.Core.Planning;

namespace SharedMigrations.Core;

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
