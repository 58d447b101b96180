namespace SharedMigrations.Core.Planning;

/// <summary>
/// A rollback that rollback_safety forbids (a file changed since it was applied, or an empty DOWN), found while planning;
/// <c>Index</c> is the position of the refused migration in the plan's <see cref="DownPlan.Steps"/>.
/// </summary>
internal sealed record RollbackRefusal(int Index, long Version, string? FilePath, string Message);
