using Npgsql;

namespace SharedMigrations.Core.Schema;

/// <summary>
/// Reads snapshots of one scratch database again and again, each in one round trip, keeping what did not change:
/// <see cref="LoggedSchemaReader"/> (the database has a change log) or <see cref="IncrementalSchemaReader"/> (table stamps).
/// </summary>
internal interface ISnapshotReader
{
    /// <summary>How many tables the last read took from what it kept (for tests and verbose output).</summary>
    int LastReused { get; }

    /// <summary>How many tables the last read had computed by the server.</summary>
    int LastRead { get; }

    /// <summary>Forgets everything kept (the database was dropped, or emptied by something else).</summary>
    void Reset();

    /// <summary>Reads the schema on a connection whose search path is the one snapshots are compared with.</summary>
    Task<SchemaSnapshot> ReadAsync(NpgsqlConnection connection, CancellationToken cancellationToken);
}
