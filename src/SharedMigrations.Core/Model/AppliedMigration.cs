using SharedMigrations.Core.Parsing;

namespace SharedMigrations.Core.Model;

/// <summary>A row of the history table: a migration that is applied, or that stopped part way (<see cref="IsFailed"/>).</summary>
public sealed class AppliedMigration
{
    public long Version { get; init; }

    public string Name { get; init; } = string.Empty;

    public string Checksum { get; init; } = string.Empty;

    /// <summary>True for a <c>Transaction: none</c> migration that stopped part way (state Failed).</summary>
    public bool IsFailed { get; init; }

    public DateTimeOffset AppliedAt { get; init; }

    /// <summary>The database role that applied it.</summary>
    public string? AppliedBy { get; init; }

    /// <summary>The OS user and host that ran the tool.</summary>
    public string? Client { get; init; }

    public TimeSpan ExecutionTime { get; init; }

    public TransactionMode Transaction { get; init; }

    /// <summary>For a failed migration: how many statements had completed, of how many.</summary>
    public int? StatementsDone { get; init; }

    public int? StatementsTotal { get; init; }

    /// <summary>For a failed migration: whether it stopped going up or down.</summary>
    public MigrationDirection? FailedDirection { get; init; }

    /// <summary>For a failed migration: PostgreSQL's error, when the run lived to record it.</summary>
    public string? Error { get; init; }

    /// <summary>Order of application (higher is later).</summary>
    public long Rank { get; init; }

    /// <summary>A sentence about a failed migration: where it stopped and why.</summary>
    public string? FailureSummary => !IsFailed
        ? null
        : $"{(FailedDirection == MigrationDirection.Down ? "DOWN" : "UP")} stopped at statement {(StatementsDone ?? 0) + 1} " +
            $"of {StatementsTotal?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"}" +
          (Error is null ? " (the run was interrupted)" : ": " + Error);
}
