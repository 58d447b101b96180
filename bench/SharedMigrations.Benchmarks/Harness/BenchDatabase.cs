using System.Globalization;
using Npgsql;
using SharedMigrations.Testing;

namespace SharedMigrations.Benchmarks.Harness;

/// <summary>
/// The throwaway PostgreSQL of the run (tests/TestDatabase: a local cluster on /dev/shm when the server binaries are
/// there) and the databases made on it: a fresh one for each measured apply, dropped afterwards.
/// </summary>
public sealed class BenchDatabase : IAsyncDisposable
{
    /// <summary>The environment variable the service configs read their password from (<c>password: ${BENCH_PGPASSWORD}</c>).</summary>
    public const string PasswordVariable = "BENCH_PGPASSWORD";

    private readonly PostgresServer _server;
    private readonly NpgsqlDataSource _admin;
    private readonly NpgsqlConnectionStringBuilder _builder;
    private int _counter;

    private BenchDatabase(PostgresServer server)
    {
        _server = server;
        _builder = new NpgsqlConnectionStringBuilder(server.AdminConnectionString);
        _admin = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(server.AdminConnectionString)
        {
            Pooling = true,
            MaxPoolSize = 4,
        }.ConnectionString);
    }

    public string Host => _server.Host;

    public int Port => _server.Port;

    public string Username => _builder.Username ?? "postgres";

    public string Password => _builder.Password ?? string.Empty;

    public string Source => _server.Source;

    /// <summary>Starts a local cluster (on tmpfs when there is one); falls back to the fixture's other sources.</summary>
    public static async Task<BenchDatabase> StartAsync()
    {
        PostgresServer server;
        try
        {
            server = await PostgresServer.StartLocalClusterAsync();
        }
        catch (PostgresUnavailableException)
        {
            server = await PostgresServer.StartAsync();
        }

        return new BenchDatabase(server);
    }

    /// <summary>A new empty database; its name is unique within the run.</summary>
    public async Task<string> CreateAsync(string prefix)
    {
        var name = $"{prefix}_{Interlocked.Increment(ref _counter):0000}";
        await ExecuteAsync($"DROP DATABASE IF EXISTS {name} WITH (FORCE)").ConfigureAwait(false);
        await ExecuteAsync($"CREATE DATABASE {name}").ConfigureAwait(false);
        return name;
    }

    public Task DropAsync(string name) => ExecuteAsync($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");

    /// <summary>
    /// An Npgsql connection string to a database (for DbUp, Evolve and checks), optionally through another port (the proxy).
    /// </summary>
    public string ConnectionString(string database, int? port = null) => new NpgsqlConnectionStringBuilder
    {
        Host = Host,
        Port = port ?? Port,
        Username = Username,
        Password = Password,
        Database = database,
        SslMode = SslMode.Disable,
    }.ConnectionString;

    /// <summary>The environment of psql and pwsh children: the password, and nothing of the caller's PG* settings.</summary>
    public IReadOnlyDictionary<string, string?> ChildEnvironment(int? port = null) => new Dictionary<string, string?>
    {
        [PasswordVariable] = Password,
        ["PGPASSWORD"] = Password,
        ["PGHOST"] = Host,
        ["PGPORT"] = (port ?? Port).ToString(CultureInfo.InvariantCulture),
        ["PGUSER"] = Username,
        ["PGSSLMODE"] = "disable",
        ["PGDATABASE"] = null,
        ["PGOPTIONS"] = null,
        ["PGSERVICE"] = null,
    };

    /// <summary>How many tables the generated migrations made (tables named bench_…): the check that a run did its work.</summary>
    public async Task<long> CountBenchTablesAsync(string database)
    {
        await using var connection = new NpgsqlConnection(
            new NpgsqlConnectionStringBuilder(ConnectionString(database)) { Pooling = false }.ConnectionString);
        await connection.OpenAsync().ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 'bench\\_%'",
            connection);
        return (long)(await command.ExecuteScalarAsync().ConfigureAwait(false))!;
    }

    public async Task<T?> ScalarAsync<T>(string sql)
    {
        await using var command = _admin.CreateCommand(sql);
        var value = await command.ExecuteScalarAsync().ConfigureAwait(false);
        return value is null or DBNull ? default : (T)value;
    }

    public async ValueTask DisposeAsync()
    {
        await _admin.DisposeAsync().ConfigureAwait(false);
        await _server.DisposeAsync().ConfigureAwait(false);
    }

    private async Task ExecuteAsync(string sql)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var command = _admin.CreateCommand(sql);
                await command.ExecuteNonQueryAsync().ConfigureAwait(false);
                return;
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.ObjectInUse && attempt < 10)
            {
                await Task.Delay(50 * attempt).ConfigureAwait(false); // template1 briefly in use
            }
        }
    }
}
