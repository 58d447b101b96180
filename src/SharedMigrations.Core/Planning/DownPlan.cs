using SharedMigrations.Core.Parsing;

namespace SharedMigrations.Core.Planning;

/// <summary>What <c>down</c> would do, newest application first.</summary>
internal sealed class DownPlan
{
    public required IReadOnlyList<RollbackItem> Items { get; init; }

    public required IReadOnlyList<MigrationStatusEntry> Entries { get; init; }
}
