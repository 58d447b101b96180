using System.Diagnostics;
using SharedMigrations.Core.Database;
using SharedMigrations.Core.Errors;
using SharedMigrations.Core.Model;
using SharedMigrations.Core.Schema;

namespace SharedMigrations.Core;

/// <summary>The schema side of a service: snapshots, the schema file, drift against the recorded snapshot.</summary>
public sealed partial class MigrationService
{
    /// <summary>The file named by <c>migration.schema_file</c> (relative to the service folder), or null when not set.</summary>
    public string? SchemaFilePath => Database.Settings.SchemaFile is { } file
        ? Path.GetFullPath(Path.Combine(Definition?.Path ?? Environment.CurrentDirectory, file))
        : null;

    /// <summary>
    /// Where Export-MigrationSchema writes by default: <c>migration.schema_file</c>, else <c>schema.sql</c> in the service folder.
    /// </summary>
    public string DefaultSchemaFilePath => SchemaFilePath ?? Path.Combine(Definition?.Path ?? Environment.CurrentDirectory, "schema.sql");

    /// <summary>Reads the live schema of the service's database in one round trip (read-only, no lock).</summary>
    public async Task<SchemaSnapshot> GetSchemaAsync(CancellationToken cancellationToken = default)
    {
        var watch = Stopwatch.StartNew();
        var snapshot = await Database.ReadSchemaAsync(cancellationToken).ConfigureAwait(false);
        _logger.LogSnapshot(ServiceName, snapshot.Objects.Count, Database.Server, watch.ElapsedMilliseconds);
        return snapshot;
    }

    /// <summary>
    /// Writes the live schema to <paramref name="destination"/> (default <see cref="DefaultSchemaFilePath"/>); returns the path and whether
    /// it changed.
    /// </summary>
    public async Task<(string Path, bool Written, SchemaSnapshot Snapshot)> ExportSchemaAsync(
        string? destination = null,
        CancellationToken cancellationToken = default)
    {
        var snapshot = await GetSchemaAsync(cancellationToken).ConfigureAwait(false);
        var path = destination ?? DefaultSchemaFilePath;
        var written = SchemaTextWriter.WriteFile(path, snapshot, ServiceName);
        return (path, written, snapshot);
    }

    /// <summary>The snapshot recorded by the last run that changed something, or null when none is.</summary>
    public async Task<RecordedSchema?> GetRecordedSchemaAsync(CancellationToken cancellationToken = default)
    {
        return await Database.ReadRecordedSchemaAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The objects where the live schema differs from the reference: the snapshot recorded by the last run
    /// (<paramref name="fromFile"/> false), or the schema file (<c>migration.schema_file</c>, else schema.sql).
    /// </summary>
    public async Task<IReadOnlyList<SchemaDifference>> CompareSchemaAsync(bool fromFile, CancellationToken cancellationToken = default)
    {
        SchemaSnapshot expected;
        if (fromFile)
        {
            var path = DefaultSchemaFilePath;
            if (!File.Exists(path))
            {
                throw new SchemaVerificationException(
                    "SchemaFileNotFound",
                    MigrationErrorKind.ObjectNotFound,
                    $"{ServiceName}: there is no schema file {path} to compare with. Write it with Export-MigrationSchema, " +
                    "set migration.schema_file, or compare with the recorded snapshot (-Reference Recorded).",
                    filePath: path)
                { Service = ServiceName };
            }

            try
            {
                expected = SchemaTextReader.Read(await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false), path);
            }
            catch (FormatException ex)
            {
                throw new SchemaVerificationException(
                    "SchemaFileInvalid", MigrationErrorKind.InvalidData, $"{ServiceName}: {ex.Message} Write the file again with " +
                        $"Export-MigrationSchema.", ex, path)
                { Service = ServiceName };
            }
        }
        else
        {
            var recorded = await GetRecordedSchemaAsync(cancellationToken).ConfigureAwait(false) ?? throw new SchemaVerificationException(
                "SchemaSnapshotNotFound",
                MigrationErrorKind.ObjectNotFound,
                $"{ServiceName}: no schema snapshot is recorded on {Database.Server} yet; one is recorded by each Invoke-MigrationUp, " +
                "Undo-Migration or Repair-MigrationHistory that changes something. Compare with the schema file instead (-Reference File).")
            { Service = ServiceName };
            expected = recorded.Snapshot;
        }

        var actual = await GetSchemaAsync(cancellationToken).ConfigureAwait(false);
        return SchemaComparer.Compare(expected, actual);
    }

    /// <summary>The resolved connection of a service opened from its folder (never printed: it holds the password).</summary>
    internal Database.ConnectionInfo? Connection { get; private init; }

    /// <summary>
    /// Proves on a scratch database that every migration's DOWN undoes its UP (up, down, up again, compared by snapshots);
    /// the service's own database is never changed. Each result also goes to <see cref="RoundTripOptions.OnResult"/> as it is known.
    /// </summary>
    public Task<RoundTripReport> TestRoundTripAsync(RoundTripOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var connectionString = Connection?.ConnectionString ?? Database.DataSource.ConnectionString;
        return RoundTripTester.RunAsync(this, connectionString, Connection?.Secrets ?? Array.Empty<string>(), options, cancellationToken);
    }

    /// <summary>Before a run applies anything: warns about drift, or refuses with <c>on_drift: refuse</c>.</summary>
    private void CheckDrift(HistorySnapshot history, Reporter report)
    {
        if (history.Drift is not { Drifted: true } drift)
        {
            return;
        }

        if (Database.Settings.OnDrift == DriftAction.Refuse)
        {
            throw new SchemaVerificationException(
                "SchemaDrifted",
                MigrationErrorKind.InvalidOperation,
                drift.Describe(ServiceName)
                    + " Nothing was applied (migration.on_drift is refuse). Compare-MigrationSchema names the objects: put them " +
                "back, or after review run once with migration.on_drift: warn so that the snapshot it records includes them.")
            { Service = ServiceName };
        }

        report.Warning(drift.Describe(ServiceName)[(ServiceName.Length + 2)..] + " The snapshot recorded at the end of this run will " +
            "include it.");
    }

    /// <summary>
    /// Records the live snapshot as that of <paramref name="version"/> under the run lock (one round trip), and rewrites
    /// <c>migration.schema_file</c> when <paramref name="writeFile"/> and it is set.
    /// </summary>
    private async Task RecordSchemaAsync(
        RunSession session,
        long version,
        bool writeFile,
        Reporter report,
        CancellationToken cancellationToken)
    {
        var file = writeFile ? SchemaFilePath : null;
        var watch = Stopwatch.StartNew();
        var (fingerprint, snapshot) = await Database.RecordSchemaAsync(
            session,
            version,
            file is not null,
            cancellationToken).ConfigureAwait(false);
        report.Verbose($"recorded the schema snapshot of version {version} (sha256:{fingerprint[..12]}…, {watch.ElapsedMilliseconds} ms).");
        if (file is not null && snapshot is not null)
        {
            try
            {
                if (SchemaTextWriter.WriteFile(file, snapshot, ServiceName))
                {
                    report.Verbose($"rewrote the schema file {file}.");
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                report.Warning($"the schema file {file} could not be written: {ex.Message}");
            }
        }
    }

    /// <summary>
    /// Records after a run that failed part way but changed something, so drift is not reported for it; its own errors are only verbose.
    /// </summary>
    private async Task RecordSchemaAfterFailureAsync(RunSession session, long version, bool writeFile, Reporter report)
    {
        try
        {
            await RecordSchemaAsync(session, version, writeFile, report, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ServiceDatabase.IsDatabaseError(ex) || ex is MigrationException or InvalidOperationException)
        {
            report.Verbose($"the schema snapshot could not be recorded after the failure: {ex.Message}");
        }
    }
}
