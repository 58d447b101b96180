namespace SharedMigrations.Core.Planning;

/// <summary>One repair of the history: the migration's state and the step offered for it.</summary>
internal sealed record RepairStep(MigrationStatusEntry Entry, PlannedStep Step);
