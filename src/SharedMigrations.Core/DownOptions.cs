namespace SharedMigrations.Core;

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
