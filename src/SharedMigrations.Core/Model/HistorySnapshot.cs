namespace SharedMigrations.Core.Model;

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

    /// <summary>
    /// The last recorded schema snapshot's fingerprint beside the live one (read in the same round trip); null when none is recorded.
    /// </summary>
    internal Schema.SchemaDriftReading? Drift { get; init; }

    /// <summary>The highest version applied (failed rows excluded), or 0.</summary>
    public long CurrentVersion => Records.Where(r => !r.IsFailed).Select(r => r.Version).DefaultIfEmpty(0).Max();
}
