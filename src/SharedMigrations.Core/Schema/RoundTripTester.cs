using System.Diagnostics;
using System.Text.RegularExpressions;
using Npgsql;
using SharedMigrations.Core.Configuration;
using SharedMigrations.Core.Errors;
using SharedMigrations.Core.Model;

namespace SharedMigrations.Core.Schema;

/// <summary>
/// Proves on a scratch database that every migration's DOWN undoes its UP: for each migration in version order,
/// snapshot S0, UP, S1, DOWN, S2, UP again, S3; it passes when all succeed, S2 = S0 and S3 = S1 (S1 is the next
/// migration's S0: S3 is the same schema). After a failure the
/// scratch database is rebuilt (the UPs up to that migration) and the test goes on, so one run reports every broken one.
/// Snapshots are read on a connection of their own (search path <c>pg_catalog</c>), computing again only what changed
/// since the last read: what the scratch database's change log names (<see cref="SchemaChangeLog"/>,
/// <see cref="LoggedSchemaReader"/>) when the role may create event triggers, else the tables whose catalog stamps changed
/// (<see cref="IncrementalSchemaReader"/>); a full read at the end checks the last one.
/// </summary>
internal sealed partial class RoundTripTester
{
    private readonly MigrationService _service;
    private readonly RoundTripOptions _options;
    private readonly ScratchDatabase _scratch;
    private ServiceDatabase _manager;
    private SchemaSnapshot _base = SchemaSnapshot.Empty;
    private ISnapshotReader? _reader;
    private bool _logged;
    private SchemaQuery? _fullQuery;
    private NpgsqlConnection? _snapshots;

    private RoundTripTester(MigrationService service, RoundTripOptions options, ScratchDatabase scratch)
    {
        _service = service;
        _options = options;
        _scratch = scratch;
        var settings = service.Database.Settings;
        _manager = new ServiceDatabase(scratch.DataSource, settings, service.ServiceName, null, 0, scratch.Secrets);
    }

    private string ServiceName => _service.ServiceName;

    /// <summary>Runs the test of a service; the files are loaded (and their errors raised) before any database is created.</summary>
    public static async Task<RoundTripReport> RunAsync(
        MigrationService service,
        string serviceConnectionString,
        IReadOnlyList<string> secrets,
        RoundTripOptions options,
        CancellationToken cancellationToken)
    {
        var files = service.Loader.Load();
        var migrations = files.Migrations.Where(m => options.Target is not { } target || m.Version <= target).ToArray();
        await using var scratch = await ScratchDatabase.OpenAsync(
            service.ServiceName,
            serviceConnectionString,
            options.ScratchConnectionString,
            secrets,
            cancellationToken).ConfigureAwait(false);
        scratch.Keep = options.KeepDatabase;
        options.Observer?.OnVerbose(service.ServiceName, scratch.Created
            ? $"created the scratch database {scratch.Display}."
            : $"testing on the given scratch database {scratch.Display}.");
        if (!scratch.Created)
        {
            await scratch.EnsureEmptyAsync(cancellationToken).ConfigureAwait(false);
        }

        var tester = new RoundTripTester(service, options, scratch);
        var results = await tester.TestAsync(migrations, cancellationToken).ConfigureAwait(false);
        if (scratch.Created && options.KeepDatabase)
        {
            options.Observer?.OnWarning(
                service.ServiceName,
                $"kept the scratch database {scratch.Display} (-KeepDatabase); drop it when done: DROP DATABASE \"{scratch.Name}\".");
        }

        return new RoundTripReport
        {
            Service = service.ServiceName,
            Results = results,
            ScratchDatabase = scratch.Display,
            Created = scratch.Created,
            Kept = !scratch.Created || options.KeepDatabase,
        };
    }

    private async Task<IReadOnlyList<RoundTripResult>> TestAsync(IReadOnlyList<Migration> migrations, CancellationToken cancellationToken)
    {
        var results = new List<RoundTripResult>();
        var connection = await _scratch.OpenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await PrepareSnapshotsAsync(connection, cancellationToken).ConfigureAwait(false);
            _base = await SnapshotAsync(cancellationToken).ConfigureAwait(false);
            await _manager.CreateHistoryAsync(connection, cancellationToken).ConfigureAwait(false);
            SchemaSnapshot? s0 = null;
            for (var i = 0; i < migrations.Count; i++)
            {
                var migration = migrations[i];
                var watch = Stopwatch.StartNew();
                s0 ??= await SnapshotAsync(cancellationToken).ConfigureAwait(false);
                var (result, s3) = await TestOneAsync(connection, migration, s0, watch, cancellationToken).ConfigureAwait(false);
                results.Add(result);
                _options.Observer?.OnVerbose(
                    ServiceName,
                    $"round trip of {migration.FileName}: {result.Result}{(result.Stage is { } st ? " at " + st : string.Empty)} " +
                        $"({watch.ElapsedMilliseconds} ms).");
                if (result.Result == RoundTripOutcome.Irreversible)
                {
                    _options.Observer?.OnWarning(
                        ServiceName,
                        $"{migration.FileName} is Irreversible: its DOWN is empty, so nothing undoes its UP.");
                }

                _options.OnResult?.Invoke(result);
                s0 = s3;
                if (result.Result == RoundTripOutcome.Failed)
                {
                    // Rebuild: the UPs before this migration, and this one too unless its UP is what failed.
                    await connection.DisposeAsync().ConfigureAwait(false);
                    connection = await RebuildAsync(
                        migrations.Take(result.Stage == RoundTripStage.Up ? i : i + 1),
                        cancellationToken).ConfigureAwait(false);
                    s0 = null;
                }
            }

            await CheckLastSnapshotAsync(s0, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            await RemoveChangeLogAsync().ConfigureAwait(false);
            if (_snapshots is not null)
            {
                await _snapshots.DisposeAsync().ConfigureAwait(false);
            }
        }

        return results;
    }

    /// <summary>
    /// Builds the snapshot queries (the history tables' schema resolved on the migrations' connection, since the snapshot
    /// connection's search path is <c>pg_catalog</c>) and opens the snapshot connection.
    /// </summary>
    private async Task PrepareSnapshotsAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var settings = _service.Database.Settings;
        string? ownSchema = settings.TableName.Schema;
        if (ownSchema is null)
        {
            await using var command = new NpgsqlCommand("SELECT current_schema()", connection);
            ownSchema = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
        }

        var refused = await SchemaChangeLog.TryInstallAsync(connection, cancellationToken).ConfigureAwait(false);
        _logged = refused is null;
        _options.Observer?.OnVerbose(ServiceName, _logged
            ? "snapshots read what the scratch database's change log (event triggers) names."
            : $"{refused}: snapshots compare table stamps, which is slower.");
        _fullQuery = new SchemaQuery(settings.TableName, settings.Schemas, ownSchema, logged: _logged);
        var incremental = new SchemaQuery(settings.TableName, settings.Schemas, ownSchema, incremental: true, logged: _logged);
        _reader = _logged ? new LoggedSchemaReader(incremental) : new IncrementalSchemaReader(incremental);
        await OpenSnapshotConnectionAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Removes the change log from a scratch database that stays (given, or kept): what is left is what the migrations
    /// made. A created database that is dropped takes it along. Best effort: the database may be gone.
    /// </summary>
    private async Task RemoveChangeLogAsync()
    {
        if (!_logged || (_scratch.Created && !_scratch.Keep))
        {
            return;
        }

        try
        {
            await using var connection = await _scratch.OpenAsync(CancellationToken.None).ConfigureAwait(false);
            await SchemaChangeLog.RemoveAsync(connection, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or DatabaseConnectionException)
        {
            _options.Observer?.OnWarning(
                ServiceName,
                $"could not remove the schema {SchemaChangeLog.Schema} (the round trip's change log) from the scratch database " +
                $"{_scratch.Display}: {ex.Message}");
        }
    }

    private async Task OpenSnapshotConnectionAsync(CancellationToken cancellationToken)
    {
        if (_snapshots is not null)
        {
            await _snapshots.DisposeAsync().ConfigureAwait(false);
        }

        _reader!.Reset();
        _snapshots = await _scratch.OpenSnapshotConnectionAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The last snapshot the incremental reader gave, checked against a full read of the same database: they must be
    /// equal. A difference would mean a change the table stamps did not see; it is said, never passed over.
    /// </summary>
    private async Task CheckLastSnapshotAsync(SchemaSnapshot? last, CancellationToken cancellationToken)
    {
        if (last is null)
        {
            return;
        }

        var full = await SchemaReader.ReadAsync(_snapshots!, _fullQuery!, cancellationToken).ConfigureAwait(false);
        if (full.Fingerprint != last.Fingerprint)
        {
            var differences = SchemaComparer.Compare(full, last);
            _options.Observer?.OnWarning(
                ServiceName,
                "the snapshots this round trip compared missed a change that a full read of the scratch database shows (" +
                string.Join("; ", differences.Take(5).Select(d => d.ToString())) +
                "); the results above may be wrong. Please report it with the migrations that were tested.");
        }
    }

    /// <summary>
    /// One migration's round trip from S0; returns the result and the schema it leaves (S3, or S1 when irreversible; null when unknown).
    /// </summary>
    private async Task<(RoundTripResult Result, SchemaSnapshot? After)> TestOneAsync(
        NpgsqlConnection connection, Migration migration, SchemaSnapshot s0, Stopwatch watch, CancellationToken cancellationToken)
    {
        RoundTripResult Fail(
            RoundTripStage stage,
            string error,
            MigrationException? ex = null,
            IReadOnlyList<SchemaDifference>? differences = null,
            int? line = null) => new()
            {
                Service = ServiceName,
                Version = migration.Version,
                Name = migration.Name,
                Result = RoundTripOutcome.Failed,
                Stage = stage,
                Error = error,
                Exception = ex,
                Differences = differences ?? Array.Empty<SchemaDifference>(),
                FilePath = migration.FilePath,
                Line = line ?? ex?.Line,
                Duration = watch.Elapsed,
            };

        if (await ApplyAsync(connection, migration, cancellationToken).ConfigureAwait(false) is { } upError)
        {
            return (
                Fail(
                    RoundTripStage.Up,
                    $"{ServiceName}: the UP of {migration.FileName} failed on the scratch database: {upError.Message}",
                    upError),
                null);
        }

        var s1 = await SnapshotAsync(cancellationToken).ConfigureAwait(false);
        if (migration.Down.IsEmpty)
        {
            return (new RoundTripResult
            {
                Service = ServiceName,
                Version = migration.Version,
                Name = migration.Name,
                Result = RoundTripOutcome.Irreversible,
                FilePath = migration.FilePath,
                Line = DownMarkerLine(migration),
                Error = $"{ServiceName}: {migration.FileName} has no DOWN statements; nothing undoes its UP.",
                Duration = watch.Elapsed,
            }, s1);
        }

        if (await RevertAsync(connection, migration, cancellationToken).ConfigureAwait(false) is { } downError)
        {
            return (
                Fail(
                    RoundTripStage.Down,
                    $"{ServiceName}: the DOWN of {migration.FileName} failed after its UP: {downError.Message}",
                    downError),
                null);
        }

        var restore = SchemaComparer.Compare(s0, await SnapshotAsync(cancellationToken).ConfigureAwait(false));
        if (restore.Count > 0)
        {
            return (Fail(
                RoundTripStage.Restore,
                $"{ServiceName}: the DOWN of {migration.FileName} does not restore the schema as it was before the UP: " +
                string.Join("; ", restore.Take(5).Select(d => d.ToString()))
                    + (restore.Count > 5 ? $"; and {restore.Count - 5} more" : string.Empty) + ".",
                differences: restore,
                line: DownMarkerLine(migration)), null);
        }

        if (await ApplyAsync(connection, migration, cancellationToken).ConfigureAwait(false) is { } againError)
        {
            return (
                Fail(
                    RoundTripStage.Reapply,
                    $"{ServiceName}: the UP of {migration.FileName} cannot run again after its DOWN: {againError.Message}",
                    againError),
                null);
        }

        var reapply = SchemaComparer.Compare(s1, await SnapshotAsync(cancellationToken).ConfigureAwait(false));
        if (reapply.Count > 0)
        {
            return (Fail(
                RoundTripStage.Reapply,
                $"{ServiceName}: the UP of {migration.FileName} gives another schema when run again after its DOWN: " +
                string.Join("; ", reapply.Take(5).Select(d => d.ToString())) + ".",
                differences: reapply,
                line: 1), null);
        }

        return (new RoundTripResult
        {
            Service = ServiceName,
            Version = migration.Version,
            Name = migration.Name,
            Result = RoundTripOutcome.Passed,
            FilePath = migration.FilePath,
            Duration = watch.Elapsed,
        }, s1); // S3 has S1's fingerprint: the same schema
    }

    private async Task<MigrationException?> ApplyAsync(
        NpgsqlConnection connection,
        Migration migration,
        CancellationToken cancellationToken)
    {
        try
        {
            await _manager.ApplyAsync(connection, migration, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (MigrationExecutionException ex)
        {
            return ex;
        }
    }

    private async Task<MigrationException?> RevertAsync(
        NpgsqlConnection connection,
        Migration migration,
        CancellationToken cancellationToken)
    {
        var applied = new AppliedMigration
        {
            Version = migration.Version,
            Name = migration.Name,
            Checksum = migration.Checksum,
            Transaction = migration.Transaction,
            StatementsTotal = migration.Up.Statements.Count,
            StatementsDone = migration.Up.Statements.Count,
        };
        try
        {
            await _manager.RevertAsync(
                connection,
                applied,
                migration.Down,
                migration.Transaction,
                migration,
                cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (MigrationExecutionException ex)
        {
            return ex;
        }
    }

    /// <summary>A snapshot of the scratch database, read on the snapshot connection (the migrations' one is not used).</summary>
    private Task<SchemaSnapshot> SnapshotAsync(CancellationToken cancellationToken) =>
        _reader!.ReadAsync(_snapshots!, cancellationToken);

    /// <summary>
    /// Brings the scratch database back to a known state after a failure: a created one is dropped and created again; a
    /// given one loses every object that was not in it when the test began (and the history tables); then the UPs run.
    /// </summary>
    private async Task<NpgsqlConnection> RebuildAsync(IEnumerable<Migration> ups, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        if (_scratch.Created)
        {
            await _scratch.RecreateAsync(cancellationToken).ConfigureAwait(false);
            _manager = new ServiceDatabase(_scratch.DataSource, _service.Database.Settings, ServiceName, null, 0, _scratch.Secrets);
        }

        var connection = await _scratch.OpenAsync(cancellationToken).ConfigureAwait(false);
        if (_logged && _scratch.Created && await SchemaChangeLog.TryInstallAsync(connection, cancellationToken).ConfigureAwait(false) is
            { } refused)
        {
            throw new InvalidOperationException($"The change log was installed on the scratch database once but not again: {refused}.");
        }

        await OpenSnapshotConnectionAsync(cancellationToken).ConfigureAwait(false);
        if (!_scratch.Created)
        {
            await EmptyAsync(connection, cancellationToken).ConfigureAwait(false);
        }

        await _manager.CreateHistoryAsync(connection, cancellationToken).ConfigureAwait(false);
        var count = 0;
        foreach (var migration in ups)
        {
            if (await ApplyAsync(connection, migration, cancellationToken).ConfigureAwait(false) is { } error)
            {
                _options.Observer?.OnWarning(
                    ServiceName,
                    $"rebuilding the scratch database stopped at {migration.FileName}: {error.Message}");
                break;
            }

            count++;
        }

        _options.Observer?.OnVerbose(ServiceName, $"rebuilt the scratch database with {count} UP(s) ({watch.ElapsedMilliseconds} ms).");
        return connection;
    }

    /// <summary>
    /// Drops from a given scratch database what the test made: every object not in its first snapshot, and the history tables.
    /// </summary>
    private async Task EmptyAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var now = await SnapshotAsync(cancellationToken).ConfigureAwait(false);
        var added = SchemaComparer.Compare(_base, now).Where(d => d.Change == SchemaChange.Added).ToArray();
        var statements = new List<string>();
        var table = _service.Database.Settings.TableName;
        foreach (var name in new[] { table.QuotedTable, table.QuotedLogTable, new SchemaStore(table, null).QuotedTable })
        {
            statements.Add($"DROP TABLE IF EXISTS {name} CASCADE");
        }

        static string Q(string s) => HistoryTableName.QuoteIdentifier(s);
        foreach (var d in added.OrderBy(d => d.Kind switch { SchemaObjectKind.Schema => 9, SchemaObjectKind.Extension => 8, _ => 0 }))
        {
            var qualified = $"{Q(d.Schema)}.{Q(d.Name)}";
            statements.Add(d.Kind switch
            {
                SchemaObjectKind.Schema => $"DROP SCHEMA IF EXISTS {Q(d.Name)} CASCADE",
                SchemaObjectKind.Extension => $"DROP EXTENSION IF EXISTS {Q(d.Name)} CASCADE",
                SchemaObjectKind.Type => $"DROP TYPE IF EXISTS {qualified} CASCADE",
                SchemaObjectKind.Domain => $"DROP DOMAIN IF EXISTS {qualified} CASCADE",
                SchemaObjectKind.Sequence => $"DROP SEQUENCE IF EXISTS {qualified} CASCADE",
                SchemaObjectKind.Table => $"DROP TABLE IF EXISTS {qualified} CASCADE",
                SchemaObjectKind.View => $"DROP VIEW IF EXISTS {qualified} CASCADE",
                SchemaObjectKind.MaterializedView => $"DROP MATERIALIZED VIEW IF EXISTS {qualified} CASCADE",
                SchemaObjectKind.Index => $"DROP INDEX IF EXISTS {qualified} CASCADE",
                SchemaObjectKind.Function => $"DROP ROUTINE IF EXISTS {Q(d.Schema)}.{FunctionSignature(d.Name)} CASCADE",
                _ => string.Empty,
            });
        }

        foreach (var sql in statements.Where(s => s.Length > 0))
        {
            await using var command = new NpgsqlCommand(sql, connection);
            try
            {
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException ex)
            {
                _options.Observer?.OnVerbose(ServiceName, $"emptying the scratch database: {sql}: {ex.MessageText}");
            }
        }
    }

    // "add(a integer, b integer)" → "add"(a integer, b integer): the name quoted, the argument list as PostgreSQL wrote it.
    private static string FunctionSignature(string name)
    {
        var paren = name.IndexOf('(', StringComparison.Ordinal);
        return paren < 0 ? HistoryTableName.QuoteIdentifier(name) : HistoryTableName.QuoteIdentifier(name[..paren]) + name[paren..];
    }

    /// <summary>The line of the DOWN marker in the file (1-based), for annotations of Restore differences.</summary>
    private static int? DownMarkerLine(Migration migration)
    {
        try
        {
            var lines = File.ReadAllLines(migration.FilePath);
            for (var i = 0; i < lines.Length; i++)
            {
                if (DownMarker().IsMatch(lines[i]))
                {
                    return i + 1;
                }
            }
        }
        catch (IOException)
        {
        }

        return null;
    }

    [GeneratedRegex(@"^\s*--\s*\+{5}\s*DOWN\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex DownMarker();
}
