using Npgsql;
using NpgsqlTypes;

namespace SharedMigrations.Core.Schema;

/// <summary>
/// Reads snapshots of one database again and again (a round trip reads three per migration) in one round trip each, without
/// computing again the rows of the tables that did not change: the server stamps each table (<see cref="SchemaQuery"/>'s
/// table stamps) and sends only the rows of tables whose stamp it was not given; the reader keeps the rows of the tables it
/// has seen, keyed by oid and stamp, and orders the whole as the full query does. The result equals a full read
/// (<see cref="SchemaReader"/>) of the same database on a connection with the same search path.
/// Only for a database nothing else changes meanwhile (a scratch database); one reader per database, one read at a time.
/// </summary>
internal sealed class IncrementalSchemaReader : ISnapshotReader
{
    private readonly SchemaQuery _query;
    private Dictionary<(uint Oid, string Stamp), SchemaObject[]> _tables = new();

    public IncrementalSchemaReader(SchemaQuery query)
    {
        if (!query.Incremental)
        {
            throw new ArgumentException("The schema query must be built for incremental reads.", nameof(query));
        }

        _query = query;
    }

    /// <inheritdoc/>
    public int LastReused { get; private set; }

    /// <inheritdoc/>
    public int LastRead { get; private set; }

    /// <inheritdoc/>
    public void Reset() => _tables = new();

    /// <inheritdoc/>
    public async Task<SchemaSnapshot> ReadAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var known = _tables.Keys.Select(k => k.Oid.ToString(System.Globalization.CultureInfo.InvariantCulture) + ":" + k.Stamp).ToArray();
        await using var command = new NpgsqlCommand(_query.IncrementalSql, connection);
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = known });
        await command.PrepareAsync(cancellationToken).ConfigureAwait(false);

        var loose = new List<SchemaObject>();
        var fresh = new Dictionary<uint, List<SchemaObject>>();
        var stamps = new List<(uint Oid, string? Stamp)>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (reader.IsDBNull(1))
                {
                    stamps.Add((reader.GetFieldValue<uint>(6), reader.IsDBNull(5) ? null : reader.GetString(5)));
                    continue;
                }

                var item = SchemaReader.ReadObject(reader);
                if (reader.IsDBNull(6))
                {
                    loose.Add(item);
                }
                else
                {
                    var owner = reader.GetFieldValue<uint>(6);
                    if (!fresh.TryGetValue(owner, out var rows))
                    {
                        fresh[owner] = rows = new List<SchemaObject>();
                    }

                    rows.Add(item);
                }
            }
        }

        var kept = new Dictionary<(uint Oid, string Stamp), SchemaObject[]>();
        var objects = loose;
        int reused = 0, read = 0;
        foreach (var (oid, stamp) in stamps)
        {
            SchemaObject[] rows;
            if (fresh.TryGetValue(oid, out var list))
            {
                rows = list.ToArray();
                read++;
            }
            else if (stamp is not null && _tables.TryGetValue((oid, stamp), out var cached))
            {
                rows = cached;
                reused++;
            }
            else
            {
                // The server sends every table whose stamp it was not given; a table with neither rows nor a known stamp
                // would be a defect of this reader, never a reason to show a table without its columns.
                throw new InvalidOperationException(
                    $"The incremental schema read returned neither rows nor a known stamp for table oid {oid}.");
            }

            if (stamp is not null)
            {
                kept[(oid, stamp)] = rows;
            }

            objects.AddRange(rows);
        }

        _tables = kept;
        LastReused = reused;
        LastRead = read;
        objects.Sort(SchemaObjectOrder.Instance);
        return new SchemaSnapshot(objects);
    }
}
