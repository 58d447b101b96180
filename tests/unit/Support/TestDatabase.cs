using Npgsql;
using SharedMigrations.Testing;

namespace SharedMigrations.Tests.Support;

/// <summary>A fresh database on the shared test server; dropped when disposed.</summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private TestDatabase(PostgresServer server, string connectionString)
    {
        Server = server;
        ConnectionString = connectionString;
        Name = new NpgsqlConnectionStringBuilder(connectionString).Database!;
    }

    public PostgresServer Server { get; }

    public string ConnectionString { get; }

    public string Name { get; }

    public static async Task<TestDatabase> CreateAsync(string prefix = "engine")
    {
        var server = await PostgresServer.GetSharedAsync();
        var connectionString = await server.CreateDatabaseAsync(prefix);
        return new TestDatabase(server, connectionString);
    }

    public async Task<T?> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? default : (T)Convert.ChangeType(
            value,
            typeof(T),
            System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public async Task<bool> TableExistsAsync(string name) =>
        await ScalarAsync<bool>($"SELECT to_regclass('{name}') IS NOT NULL");

    public async Task<List<long>> AppliedVersionsAsync(string table = "schema_migrations") =>
        await ListAsync<long>($"SELECT version FROM {table} WHERE state = 'applied' ORDER BY version");

    public async Task<List<T>> ListAsync<T>(string sql)
    {
        var result = new List<T>();
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            result.Add(reader.GetFieldValue<T>(0));
        }

        return result;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            await Server.DropDatabaseAsync(Name);
        }
        catch (NpgsqlException)
        {
            // The server may be going away at the end of the run; the cluster is thrown away anyway.
        }
    }
}
