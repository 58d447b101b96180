namespace SharedMigrations.Core;

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
        : $"{(FailedDirection == MigrationDirection.Down ? "DOWN" : "UP")} stopped at statement {(StatementsDone ?? 0) + 1} of {StatementsTotal?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"}" +
          (Error is null ? " (the run was interrupted)" : ": " + Error);
}

/// <summary>The history table as read in one query.</summary>
public sealed class HistorySnapshot
{
    public static readonly HistorySnapshot Absent = new(false, Array.Empty<AppliedMigration>());

    private readonly Dictionary<long, AppliedMigration> _byVersion;

    public HistorySnapshot(bool exists, IReadOnlyList<AppliedMigration> records)
    {
        Exists = exists;
        Records = records;
        _byVersion = records.ToDictionary(r => r.Version);
    }

    /// <summary>False when the history table does not exist yet.</summary>
    public bool Exists { get; }

    /// <summary>Every row, in version order.</summary>
    public IReadOnlyList<AppliedMigration> Records { get; }

    public AppliedMigration? Find(long version) => _byVersion.GetValueOrDefault(version);

    /// <summary>The last recorded schema snapshot's fingerprint beside the live one (read in the same round trip); null when none is recorded.</summary>
    public Schema.SchemaDriftReading? Drift { get; init; }

    /// <summary>The highest version applied (failed rows excluded), or 0.</summary>
    public long CurrentVersion => Records.Where(r => !r.IsFailed).Select(r => r.Version).DefaultIfEmpty(0).Max();
}

/// <summary>One entry of the audit log: an up, down or repair, successful or not.</summary>
public sealed class MigrationEvent
{
    public long Id { get; init; }

    public string? Service { get; init; }

    public long? Version { get; init; }

    public string? Name { get; init; }

    public MigrationDirection Direction { get; init; }

    public bool Succeeded { get; init; }

    public DateTimeOffset StartedAt { get; init; }

    public TimeSpan Duration { get; init; }

    /// <summary>The database role.</summary>
    public string? DatabaseUser { get; init; }

    /// <summary>The OS user and host that ran the tool.</summary>
    public string? Client { get; init; }

    public string? Checksum { get; init; }

    public string? Error { get; init; }

    public string? SqlState { get; init; }

    /// <summary>What was done, for repairs (for example "checksum updated").</summary>
    public string? Detail { get; init; }
}
