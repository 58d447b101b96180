using Npgsql;

namespace SharedMigrations.Testing;

/// <summary>
/// Small synchronous SQL helpers for tests written in PowerShell (Pester), which load this assembly with Add-Type
/// to create databases and look at what a command did.
/// </summary>
public static class Sql
{
    /// <summary>A fresh database on the shared test server; returns its connection string.</summary>
    public static string NewDatabase(string prefix) =>
        PostgresServer.GetSharedAsync().GetAwaiter().GetResult().CreateDatabaseAsync(prefix).GetAwaiter().GetResult();

    /// <summary>Drops a database created by <see cref="NewDatabase"/>.</summary>
    public static void DropDatabase(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        NpgsqlConnection.ClearAllPools();
        PostgresServer.GetSharedAsync().GetAwaiter().GetResult().DropDatabaseAsync(name).GetAwaiter().GetResult();
    }

    /// <summary>The admin connection string of the shared test server.</summary>
    public static string AdminConnectionString() => PostgresServer.GetSharedAsync().GetAwaiter().GetResult().AdminConnectionString;

    /// <summary>Runs SQL that returns nothing.</summary>
    public static void Execute(string connectionString, string sql)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    /// <summary>The first column of the first row, or null.</summary>
    public static object? Scalar(string connectionString, string sql)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        var value = command.ExecuteScalar();
        return value is DBNull ? null : value;
    }

    /// <summary>Every row as a dictionary of column name to value.</summary>
    public static IReadOnlyList<IReadOnlyDictionary<string, object?>> Rows(string connectionString, string sql)
    {
        var rows = new List<IReadOnlyDictionary<string, object?>>();
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var row = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
            for (var i = 0; i < reader.FieldCount; i++)
            {
                row[reader.GetName(i)] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    /// <summary>The first column of every row.</summary>
    public static object?[] Column(string connectionString, string sql) =>
        Rows(connectionString, sql).Select(r => r.Values.First()).ToArray();
}
