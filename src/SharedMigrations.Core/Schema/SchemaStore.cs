using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using SharedMigrations.Core.Configuration;

namespace SharedMigrations.Core.Schema;

/// <summary>
/// The snapshot table beside the history (<c>&lt;table_name&gt;_schema</c>): one row per run that changed something (version,
/// when, who, SHA-256 fingerprint, the snapshot as JSON), kept as history. The server computes the snapshot and its
/// fingerprint, so recording one costs a single round trip and transfers nothing unless asked.
/// </summary>
internal sealed class SchemaStore
{
    private const string UndefinedTable = "42P01";
    private const string UndefinedColumn = "42703";

    private string? _driftSql;

    public SchemaStore(HistoryTableName historyTable, IReadOnlyList<string>? schemas)
    {
        HistoryTable = historyTable;
        Query = new SchemaQuery(historyTable, schemas);
        var name = TableNameOf(historyTable);
        QuotedTable = historyTable.Schema is null
            ? HistoryTableName.QuoteIdentifier(name)
            : HistoryTableName.QuoteIdentifier(historyTable.Schema) + "." + HistoryTableName.QuoteIdentifier(name);
    }

    public HistoryTableName HistoryTable { get; }

    /// <summary>The catalog query, leaving out this service's own tables and honouring <c>migration.schemas</c>.</summary>
    public SchemaQuery Query { get; }

    public string QuotedTable { get; }

    /// <summary>The snapshot table's name for a history table: <c>&lt;table&gt;_schema</c>.</summary>
    public static string TableNameOf(HistoryTableName table) => table.Table + "_schema";

    /// <summary>Creates the table when absent (history tables made before snapshots existed get it at their first recording).</summary>
    public string CreateStatement() =>
        $"CREATE TABLE IF NOT EXISTS {QuotedTable} (" +
        "id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, " +
        "version bigint NOT NULL, " +
        "recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(), " +
        "recorded_by text NOT NULL DEFAULT current_user, " +
        "fingerprint text NOT NULL, " +
        "snapshot jsonb NOT NULL, " +
        "catalog_rows bigint)";

    /// <summary>
    /// Adds the catalog stamp's column to a snapshot table made by a pre-release build (before it, drift is checked by
    /// the fingerprint alone). Only when it is missing: an <c>ALTER TABLE</c> locks the table exclusively even when it
    /// changes nothing, and services that share a database read each other's snapshot tables while they record (two
    /// such locks taken at once deadlock).
    /// </summary>
    public string UpgradeStatement() =>
        "DO $upgrade$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = " +
        $"{SchemaQuery.Literal(QuotedTable)}::regclass AND attname = 'catalog_rows' AND NOT attisdropped) " +
        $"THEN ALTER TABLE {QuotedTable} ADD COLUMN catalog_rows bigint; END IF; END $upgrade$";

    /// <summary>
    /// The drift probe for the state query's round trip: no row when nothing is recorded; else the recorded version, time and
    /// fingerprint, and the live fingerprint. The server computes the live fingerprint (every definition of the schema) only
    /// when the catalog stamp (<see cref="SchemaQuery.CatalogStampCtes"/>) says the catalog may have changed since the
    /// recording: a catalog row younger than the recorded row, or another number of catalog rows. Otherwise the recorded
    /// fingerprint is the live one, and a no-op run or a status pays a scan of catalog index ranges instead.
    /// The catalog query is passed to <c>query_to_xml</c> as text, so that the server plans it only when it runs it: as
    /// part of the probe's own text it was planned on every execution (about 6 ms on a 300-table schema, more than the
    /// rest of a no-op run), whichever branch the probe then took.
    /// </summary>
    public NpgsqlBatchCommand DriftCommand() => new(_driftSql ??= BuildDriftSql());

    // The probe's text (about 12 KB with the catalog query it carries), built once per store.
    private string BuildDriftSql() =>
        $"WITH {SchemaQuery.CatalogStampCtes}, " +
        "rec AS (SELECT s.version, s.recorded_at, s.fingerprint, s.catalog_rows, age(s.xmin) AS rec_age " +
        $"FROM {QuotedTable} s ORDER BY s.id DESC LIMIT 1) " +
        "SELECT rec.version, rec.recorded_at, rec.fingerprint, " +
        "CASE WHEN rec.catalog_rows = (SELECT n FROM cstamp) AND (SELECT newest FROM cstamp) >= rec.rec_age " +
        "THEN rec.fingerprint " +
        $"ELSE (xpath('/row/f/text()', query_to_xml({SchemaQuery.Literal(Query.FingerprintSql)}, true, true, '')))[1]::text END FROM rec";

    /// <summary>Reads the drift probe's result (the reader positioned on it); a missing snapshot table means nothing is recorded.</summary>
    public static async Task<SchemaDriftReading?> ReadDriftAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        try
        {
            if (!await reader.NextResultAsync(
                cancellationToken).ConfigureAwait(false) || !await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            return new SchemaDriftReading(
                reader.GetInt64(0),
                new DateTimeOffset(reader.GetDateTime(1), TimeSpan.Zero),
                reader.GetString(2),
                reader.GetString(3));
        }
        catch (PostgresException ex) when (ex.SqlState == UndefinedTable)
        {
            return null;
        }
        catch (PostgresException ex) when (ex.SqlState == UndefinedColumn)
        {
            // A snapshot table made by a pre-release build, without catalog_rows: the next recording adds the column;
            // until then drift is not reported.
            return null;
        }
    }

    /// <summary>
    /// Records the live snapshot as the one of <paramref name="version"/> (one round trip); returns it when
    /// <paramref name="returnSnapshot"/>.
    /// </summary>
    public async Task<(string Fingerprint, SchemaSnapshot? Snapshot)> RecordAsync(
        NpgsqlConnection connection, long version, bool returnSnapshot, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(new NpgsqlBatchCommand(CreateStatement()));
        batch.BatchCommands.Add(new NpgsqlBatchCommand(UpgradeStatement()));
        var insert = new NpgsqlBatchCommand(
            $"WITH {Query.Objects}, {SchemaQuery.CatalogStampCtes} " +
            $"INSERT INTO {QuotedTable} (version, fingerprint, snapshot, catalog_rows) " +
            $"SELECT $1, {SchemaQuery.FingerprintExpression}, {SchemaQuery.JsonExpression}, (SELECT n FROM cstamp) FROM o " +
            $"RETURNING fingerprint{(returnSnapshot ? ", snapshot::text" : string.Empty)}");
        insert.Parameters.Add(new NpgsqlParameter { Value = version, NpgsqlDbType = NpgsqlDbType.Bigint });
        batch.BatchCommands.Add(insert);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        var fingerprint = reader.GetString(0);
        var snapshot = returnSnapshot ? FromJson(reader.GetString(1)) : null;
        return (fingerprint, snapshot);
    }

    /// <summary>The last recorded snapshot, or null when none is.</summary>
    public async Task<RecordedSchema?> ReadLastAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"SELECT version, recorded_at, fingerprint, snapshot::text FROM {QuotedTable} ORDER BY id DESC LIMIT 1", connection);
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            return new RecordedSchema(
                reader.GetInt64(0),
                new DateTimeOffset(reader.GetDateTime(1), TimeSpan.Zero),
                reader.GetString(2),
                FromJson(reader.GetString(3)));
        }
        catch (PostgresException ex) when (ex.SqlState is UndefinedTable or "3F000")
        {
            return null;
        }
    }

    /// <summary>A snapshot from the JSON the table stores (objects already in canonical order).</summary>
    public static SchemaSnapshot FromJson(string json)
    {
        using var document = JsonDocument.Parse(json);
        var objects = new List<SchemaObject>();
        foreach (var e in document.RootElement.EnumerateArray())
        {
            objects.Add(new SchemaObject
            {
                Schema = e.GetProperty("s").GetString()!,
                Kind = Enum.Parse<SchemaObjectKind>(e.GetProperty("k").GetString()!),
                Name = e.GetProperty("n").GetString()!,
                Table = e.GetProperty("t").ValueKind == JsonValueKind.Null ? null : e.GetProperty("t").GetString(),
                Position = e.GetProperty("p").GetInt32(),
                Definition = e.GetProperty("d").GetString()!,
            });
        }

        return new SchemaSnapshot(objects);
    }
}
