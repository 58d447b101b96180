namespace SharedMigrations.Core.Linting;

/// <summary>What one statement does to one table: the lock it takes, and whether it rewrites or scans it under that lock.</summary>
/// <param name="Table">The table (or index, for DROP INDEX: the table is not named in the statement).</param>
/// <param name="Mode">The strongest lock the statement takes on it.</param>
/// <param name="Rewrites">The statement rewrites every row (and rebuilds every index) while it holds the lock.</param>
/// <param name="Scans">The statement reads the whole table while it holds the lock (validation, index build).</param>
internal sealed record TableLock(SqlName Table, LockMode Mode, bool Rewrites = false, bool Scans = false)
{
    /// <summary>Plain SELECTs wait while the lock is held.</summary>
    public bool BlocksReads => Mode == LockMode.AccessExclusive;

    /// <summary>INSERT, UPDATE and DELETE wait while the lock is held.</summary>
    public bool BlocksWrites => Mode >= LockMode.Share;
}
