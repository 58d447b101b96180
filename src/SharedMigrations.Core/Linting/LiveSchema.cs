using Npgsql;
using SharedMigrations.Core.Configuration;

namespace SharedMigrations.Core.Linting;

/// <summary>
/// What Test-Migration reads from the database in its online mode, in one round trip: the server's major version, the
/// tables (and materialized views) that exist with their size, and the versions the history table records as applied.
/// </summary>
internal sealed class LiveSchema
{
    private readonly Dictionary<string, long> _tableBytes;

    public LiveSchema(int serverVersion, IReadOnlyDictionary<string, long> tableBytes, IReadOnlySet<long>? appliedVersions)
    {
        ArgumentNullException.ThrowIfNull(tableBytes);
        ServerVersion = serverVersion;
        _tableBytes = tableBytes.ToDictionary(p => p.Key.ToLowerInvariant(), p => p.Value, StringComparer.Ordinal);
        AppliedVersions = appliedVersions;
    }

    /// <summary>The server's major version (15 for 15.4).</summary>
    public int ServerVersion { get; }

    /// <summary>
    /// The applied versions from the history table, or null when it does not exist yet (then every migration is pending).
    /// </summary>
    public IReadOnlySet<long>? AppliedVersions { get; }

    /// <summary>Whether the migration is not applied yet.</summary>
    public bool IsPending(long version) => AppliedVersions is null || !AppliedVersions.Contains(version);

    /// <summary>
    /// The size in bytes (table, indexes and TOAST) of the table with that name (last part, lower-cased), or null when none exists.
    /// </summary>
    public long? TableBytes(string key) => _tableBytes.TryGetValue(key, out var bytes) ? bytes : null;

    /// <summary>Reads the server version, tables, sizes and applied versions in one round trip.</summary>
    public static async Task<LiveSchema> ReadAsync(
        NpgsqlConnection connection,
        HistoryTableName history,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(history);

        // The history query runs only when the table exists (CASE evaluates query_to_xml lazily), so one statement
        // answers everything without failing on a database that has never been migrated.
        const string sql = """
            SELECT current_setting('server_version_num')::int,
                   (SELECT COALESCE(json_object_agg(c.relname, pg_total_relation_size(c.oid)), '{}'::json)::text
                      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                     WHERE c.relkind IN ('r', 'p', 'm')
                       AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'),
                   CASE WHEN to_regclass($1) IS NULL THEN NULL
                        ELSE query_to_xml(format('SELECT version FROM %s WHERE state = ''applied''', $1), false, true, '')::text END
            """;
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue(history.QuotedTable);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);

        var versionNum = reader.GetInt32(0);
        var tables = new Dictionary<string, long>(StringComparer.Ordinal);
        using (var json = System.Text.Json.JsonDocument.Parse(reader.GetString(1)))
        {
            foreach (var property in json.RootElement.EnumerateObject())
            {
                var key = property.Name.ToLowerInvariant();
                tables[key] = Math.Max(tables.GetValueOrDefault(key), property.Value.GetInt64());
            }
        }

        HashSet<long>? applied = null;
        if (!reader.IsDBNull(2))
        {
            applied = [];
            var xml = System.Xml.Linq.XDocument.Parse("<rows>" + reader.GetString(2) + "</rows>");
            foreach (var element in xml.Descendants("version"))
            {
                applied.Add(long.Parse(element.Value, System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return new LiveSchema(versionNum / 10000, tables, applied);
    }

    /// <summary>A size for a message: 12 kB, 3.4 MB, 1.2 GB.</summary>
    public static string FormatBytes(long bytes)
    {
        string[] units = ["bytes", "kB", "MB", "GB", "TB"];
        double value = bytes;
        var unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return unit == 0 ? $"{bytes} bytes" : value.ToString(
            value < 10 ? "0.#" : "0",
            System.Globalization.CultureInfo.InvariantCulture) + " " + units[unit];
    }
}
