using Npgsql;
using SharedMigrations.Core.Configuration;

namespace SharedMigrations.Core.Schema;

/// <summary>Reads a database's schema snapshot in one round trip (one query), for a service or any connection.</summary>
public static class SchemaReader
{
    /// <summary>
    /// Reads the snapshot of the database behind <paramref name="connection"/>. <paramref name="ownTable"/>: the history table
    /// whose history, audit and snapshot tables are left out; <paramref name="schemas"/>: the schemas to cover (null: all).
    /// </summary>
    public static Task<SchemaSnapshot> ReadAsync(
        NpgsqlConnection connection,
        HistoryTableName? ownTable = null,
        IReadOnlyList<string>? schemas = null,
        CancellationToken cancellationToken = default) =>
        ReadAsync(connection, new SchemaQuery(ownTable, schemas), cancellationToken);

    /// <summary>The fingerprint the server computes for the database (no snapshot is transferred).</summary>
    public static async Task<string> ReadFingerprintAsync(
        NpgsqlConnection connection,
        HistoryTableName? ownTable = null,
        IReadOnlyList<string>? schemas = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = new NpgsqlCommand(new SchemaQuery(ownTable, schemas).FingerprintSql, connection);
        return (string)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>
    /// Reads a snapshot; <paramref name="prepare"/> keeps the query prepared on the connection (planned once for many reads).
    /// </summary>
    internal static async Task<SchemaSnapshot> ReadAsync(
        NpgsqlConnection connection,
        SchemaQuery query,
        CancellationToken cancellationToken,
        bool prepare = false)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = new NpgsqlCommand(query.SelectSql, connection);
        if (prepare)
        {
            await command.PrepareAsync(cancellationToken).ConfigureAwait(false);
        }
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var objects = new List<SchemaObject>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            objects.Add(ReadObject(reader));
        }

        return new SchemaSnapshot(objects);
    }

    /// <summary>The object of the current row: schema, kind, name, table, position, definition (the first six columns).</summary>
    internal static SchemaObject ReadObject(NpgsqlDataReader reader) => new()
    {
        Schema = reader.GetString(0),
        Kind = Enum.Parse<SchemaObjectKind>(reader.GetString(1)),
        Name = reader.GetString(2),
        Table = reader.IsDBNull(3) ? null : reader.GetString(3),
        Position = (int)reader.GetInt64(4),
        Definition = reader.GetString(5),
    };
}
