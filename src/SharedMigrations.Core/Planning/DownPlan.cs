namespace SharedMigrations.Core.Planning;

/// <summary>What <c>down</c> would do, newest application first, or why it refuses.</summary>
internal sealed class DownPlan
{
    /// <summary>The migrations to roll back, each with its DOWN and the step offered for it.</summary>
    public required IReadOnlyList<RollbackStep> Steps { get; init; }

    /// <summary>Failed records, which stop any rollback until they are repaired.</summary>
    public required IReadOnlyList<MigrationRefusal> Refusals { get; init; }

    /// <summary>The first step rollback_safety forbids (unless forced), or null.</summary>
    public RollbackRefusal? Unsafe { get; init; }

    public required IReadOnlyList<MigrationStatusEntry> Entries { get; init; }

    /// <summary>True when nothing stops the plan from running.</summary>
    public bool CanRun => Refusals.Count == 0 && Unsafe is null;
}
