namespace SharedMigrations.Core.Schema;

/// <summary>
/// The last recorded snapshot's version, time and fingerprint, beside the live fingerprint the server computed in the same query.
/// </summary>
internal sealed record SchemaDriftReading(long Version, DateTimeOffset RecordedAt, string RecordedFingerprint, string LiveFingerprint)
{
    /// <summary>Whether the live schema differs from the one the last run recorded.</summary>
    public bool Drifted => !string.Equals(RecordedFingerprint, LiveFingerprint, StringComparison.Ordinal);

    /// <summary>A sentence for Problems and warnings: what differs from which recorded snapshot, and what to run.</summary>
    public string Describe(string service) =>
        $"{service}: the schema differs from the snapshot recorded at version {Version} on " +
        $"{RecordedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture)} UTC: " +
        "it was changed outside the migrations. Compare-MigrationSchema names the objects that differ.";
}
