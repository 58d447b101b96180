namespace SharedMigrations.Core.Planning;

/// <summary>What a <c>down</c> asks for and which safety rules apply: the inputs of <see cref="MigrationPlanner.PlanDown"/>.</summary>
internal sealed record DownRequest(long? Target, int? Count, bool RollbackSafety, bool Force);
