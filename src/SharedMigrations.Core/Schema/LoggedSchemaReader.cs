using Npgsql;
using NpgsqlTypes;

namespace SharedMigrations.Core.Schema;

/// <summary>
/// Reads snapshots of a scratch database that has the change log of <see cref="SchemaChangeLog"/>, in one round trip each,
/// computing only what the log says changed since the last read: the rows of the tables it names, and the objects of no
/// table only when one of them changed. The reader keeps the rows of every table and of the objects of no table, and the
/// log position they are from; the result equals a full read (<see cref="SchemaReader"/>) of the same database with the
/// same search path. Only for a database nothing else changes meanwhile; one reader per database, one read at a time.
/// </summary>
internal sealed class LoggedSchemaReader : ISnapshotReader
{
    private readonly SchemaQuery _query;
    private Dictionary<uint, SchemaObject[]> _tables = new();
    private SchemaObject[] _loose = Array.Empty<SchemaObject>();
    private long _position;
    private SchemaSnapshot? _last;

    public LoggedSchemaReader(SchemaQuery query)
    {
        if (!query.Incremental || !query.Logged)
        {
            throw new ArgumentException("The schema query must be built for reads of a change log.", nameof(query));
        }

        _query = query;
    }

    /// <inheritdoc/>
    public int LastReused { get; private set; }

    /// <inheritdoc/>
    public int LastRead { get; private set; }

    /// <summary>Whether the last read computed again the objects that belong to no table.</summary>
    public bool LastReadLoose { get; private set; }

    /// <inheritdoc/>
    public void Reset()
    {
        _tables = new();
        _loose = Array.Empty<SchemaObject>();
        _position = 0;
        _last = null;
    }

    /// <inheritdoc/>
    public async Task<SchemaSnapshot> ReadAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = new NpgsqlCommand(_query.LoggedSql, connection);
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint, Value = _position });
        await command.PrepareAsync(cancellationToken).ConfigureAwait(false);

        var loose = new List<SchemaObject>();
        var fresh = new Dictionary<uint, List<SchemaObject>>();
        var read = new HashSet<uint>();
        string? flags = null;
        long position = 0;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (reader.IsDBNull(1))
                {
                    if (reader.IsDBNull(6))
                    {
                        flags = reader.GetString(5);
                        position = reader.GetInt64(4);
                    }
                    else
                    {
                        read.Add(reader.GetFieldValue<uint>(6));
                    }

                    continue;
                }

                var item = SchemaReader.ReadObject(reader);
                if (reader.IsDBNull(6))
                {
                    loose.Add(item);
                    continue;
                }

                var owner = reader.GetFieldValue<uint>(6);
                if (!fresh.TryGetValue(owner, out var rows))
                {
                    fresh[owner] = rows = new List<SchemaObject>();
                }

                rows.Add(item);
            }
        }

        if (flags is null)
        {
            throw new InvalidOperationException("The schema read of the change log returned no position row.");
        }

        var all = flags.Contains('A', StringComparison.Ordinal);
        var readLoose = flags.Contains('L', StringComparison.Ordinal);
        if (!readLoose && loose.Count > 0)
        {
            throw new InvalidOperationException("The schema read of the change log returned objects of no table it did not say it read.");
        }

        LastReadLoose = readLoose;
        LastRead = read.Count;
        _position = position;
        if (_last is not null && !all && !readLoose && read.Count == 0)
        {
            // Nothing changed since the last read: the same snapshot (comparisons with it are a reference check).
            LastReused = _tables.Count;
            return _last;
        }

        // What goes (the kept rows of every table read again, and the objects of no table when they were read) and what
        // comes (the rows read), so the ordered list of the last read is filtered and merged, not sorted again.
        var gone = new HashSet<SchemaObject>(ReferenceEqualityComparer.Instance);
        var tables = all ? new Dictionary<uint, SchemaObject[]>() : _tables;
        var added = new List<SchemaObject>();
        foreach (var oid in read)
        {
            if (!all && tables.TryGetValue(oid, out var old))
            {
                gone.UnionWith(old);
            }

            if (fresh.TryGetValue(oid, out var rows))
            {
                tables[oid] = rows.ToArray();
                added.AddRange(rows);
            }
            else
            {
                tables.Remove(oid);
            }
        }

        if (readLoose)
        {
            gone.UnionWith(_loose);
            loose.Sort(SchemaObjectOrder.Instance);
            _loose = loose.ToArray();
            added.AddRange(loose);
        }

        _tables = tables;
        LastReused = tables.Count - tables.Keys.Count(read.Contains);
        added.Sort(SchemaObjectOrder.Instance);
        IReadOnlyList<SchemaObject> kept = all || _last is null
            ? Array.Empty<SchemaObject>()
            : _last.Objects.Where(o => !gone.Contains(o)).ToList();
        if (all && !readLoose)
        {
            // Every table was read again but the objects of no table were not: they are kept, in their order.
            kept = _loose;
        }

        _last = new SchemaSnapshot(Merge(kept, added));
        return _last;
    }

    // Two lists each in canonical order, merged into one in canonical order.
    private static List<SchemaObject> Merge(IReadOnlyList<SchemaObject> first, List<SchemaObject> second)
    {
        var merged = new List<SchemaObject>(first.Count + second.Count);
        int i = 0, j = 0;
        while (i < first.Count && j < second.Count)
        {
            merged.Add(SchemaObjectOrder.Instance.Compare(first[i], second[j]) <= 0 ? first[i++] : second[j++]);
        }

        while (i < first.Count)
        {
            merged.Add(first[i++]);
        }

        while (j < second.Count)
        {
            merged.Add(second[j++]);
        }

        return merged;
    }
}
