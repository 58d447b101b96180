namespace SharedMigrations.Core.Schema;

/// <summary>A snapshot recorded at the end of a run, as read back from the snapshot table.</summary>
public sealed record RecordedSchema(long Version, DateTimeOffset RecordedAt, string Fingerprint, SchemaSnapshot Snapshot);
