using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace SharedMigrations.Testing;

/// <summary>
/// A PostgreSQL server for tests. <see cref="StartAsync"/> tries, in order: the connection string in
/// <c>SHAREDMIGRATIONS_TEST_CONNECTION</c> (used as-is, never stopped), a Testcontainers container when a Docker
/// engine answers, and a throwaway local cluster from PostgreSQL server binaries found on the machine.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    /// <summary>Environment variable with a full Npgsql connection string to a superuser-capable server.</summary>
    public const string ConnectionEnvironmentVariable = "SHAREDMIGRATIONS_TEST_CONNECTION";

    private const int MaxIdentifierLength = 63;

    private static readonly ConcurrentDictionary<PostgresServer, byte> Live = new();
    private static readonly Lock SharedLock = new();
    private static Task<PostgresServer>? _shared;

    private readonly IServerInstance _instance;
    private readonly string _maintenanceConnectionString;
    private bool _isShared;
    private int _disposed;

    static PostgresServer()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var server in Live.Keys)
            {
                try
                {
                    server._instance.ShutdownAtProcessExit();
                }
                catch (Exception)
                {
                    // best effort: the process is exiting
                }
            }
        };
    }

    private PostgresServer(IServerInstance instance)
    {
        _instance = instance;
        // Admin statements use their own unpooled connections, so they are not hit by connections broken by a restart.
        _maintenanceConnectionString = new NpgsqlConnectionStringBuilder(
            instance.AdminConnectionString)
        { Pooling = false }.ConnectionString;
        Live.TryAdd(this, 0);
    }

    /// <summary>Superuser connection string (database "postgres" unless SHAREDMIGRATIONS_TEST_CONNECTION says otherwise).</summary>
    public string AdminConnectionString => _instance.AdminConnectionString;

    /// <summary>Where the server comes from, e.g. "Testcontainers (postgres:15-alpine)"; never contains the password.</summary>
    public string Source => _instance.Source;

    public string Host => _instance.Host;
    public int Port => _instance.Port;

    /// <summary>True only for the local cluster, which supports <see cref="StopAsync"/> and <see cref="StartAgainAsync"/>.</summary>
    public bool CanRestart => _instance.CanRestart;

    /// <summary>Starts (or connects to) a server; see the class summary for the order of attempts.</summary>
    /// <exception cref="PostgresUnavailableException">No way worked; the message says how to provide a server.</exception>
    public static async Task<PostgresServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var connectionString = Environment.GetEnvironmentVariable(ConnectionEnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            return await FromEnvironmentAsync(connectionString, cancellationToken);
        }

        var attempts = new List<string> { $"{ConnectionEnvironmentVariable}: not set" };

        var (dockerAvailable, dockerDescription) = await DockerProbe.ProbeAsync(cancellationToken);
        if (dockerAvailable)
        {
            try
            {
                return new PostgresServer(await ContainerServer.StartAsync(cancellationToken));
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                attempts.Add($"Docker: the engine at {dockerDescription} answered but Testcontainers failed: {ex.Message}");
            }
        }
        else
        {
            attempts.Add($"Docker: {dockerDescription}");
        }

        return await StartLocalClusterAsync(attempts, cancellationToken);
    }

    /// <summary>
    /// Starts a throwaway local cluster (the only kind that <see cref="CanRestart"/>), skipping the environment
    /// variable and Docker; for tests that stop and restart the server.
    /// </summary>
    /// <exception cref="PostgresUnavailableException">No PostgreSQL server binaries were found or they failed.</exception>
    public static Task<PostgresServer> StartLocalClusterAsync(CancellationToken cancellationToken = default) =>
        StartLocalClusterAsync([], cancellationToken);

    /// <summary>
    /// One process-wide server, started on first use and disposed at process exit (disposing it earlier does nothing).
    /// A failure is remembered, so every caller gets the same exception quickly.
    /// </summary>
    public static Task<PostgresServer> GetSharedAsync(CancellationToken cancellationToken = default)
    {
        Task<PostgresServer> shared;
        lock (SharedLock)
        {
            if (_shared is null || _shared.IsCanceled)
            {
                _shared = StartSharedAsync();
            }

            shared = _shared;
        }

        return shared.WaitAsync(cancellationToken);

        static async Task<PostgresServer> StartSharedAsync()
        {
            var server = await StartAsync(CancellationToken.None);
            server._isShared = true;
            return server;
        }
    }

    /// <summary>
    /// Creates a database named after <paramref name="prefix"/> (sanitized, lower-case) plus a random suffix and
    /// returns a connection string to it with the admin credentials.
    /// </summary>
    public async Task<string> CreateDatabaseAsync(string prefix = "test", CancellationToken cancellationToken = default)
    {
        var name = NewDatabaseName(prefix);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await ExecuteAsync($"CREATE DATABASE {QuoteIdentifier(name)}", cancellationToken);
                break;
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.ObjectInUse && attempt < 5)
            {
                // "source database template1 is being accessed by other users": transient.
                await Task.Delay(100 * attempt, cancellationToken);
            }
        }

        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>Drops the database if it exists, disconnecting its sessions (DROP DATABASE ... WITH (FORCE)).</summary>
    public Task DropDatabaseAsync(string databaseName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databaseName);
        if (databaseName is "postgres" or "template0" or "template1")
        {
            throw new ArgumentException($"Refusing to drop the system database '{databaseName}'.", nameof(databaseName));
        }

        return ExecuteAsync($"DROP DATABASE IF EXISTS {QuoteIdentifier(databaseName)} WITH (FORCE)", cancellationToken);
    }

    /// <summary>Stops the local cluster (<c>pg_ctl stop -m immediate</c>, or <c>fast</c>); it keeps its port and data.</summary>
    /// <exception cref="InvalidOperationException">The server is not a local cluster (<see cref="CanRestart"/> is false).</exception>
    public Task StopAsync(bool immediate = true, CancellationToken cancellationToken = default) =>
        _instance.StopAsync(immediate, cancellationToken);

    /// <summary>Starts the stopped local cluster again on the same port and data directory.</summary>
    /// <exception cref="InvalidOperationException">The server is not a local cluster (<see cref="CanRestart"/> is false).</exception>
    public Task StartAgainAsync(CancellationToken cancellationToken = default) =>
        _instance.StartAgainAsync(cancellationToken);

    /// <summary>Stops and removes the container or local cluster; does nothing for the shared or an external server.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_isShared || Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Live.TryRemove(this, out _);
        await _instance.DisposeAsync();
    }

    private static async Task<PostgresServer> FromEnvironmentAsync(string connectionString, CancellationToken cancellationToken)
    {
        try
        {
            return new PostgresServer(await ExternalServer.ConnectAsync(connectionString, cancellationToken));
        }
        catch (InvalidOperationException ex)
        {
            // An explicit choice that does not work is an error, not a reason to test against something else.
            var attempt = $"{ConnectionEnvironmentVariable} is set but {ex.Message}";
            throw new PostgresUnavailableException(
                $"{attempt}{Environment.NewLine}Fix it, or unset it to let the tests use Docker or local PostgreSQL server binaries.",
                [attempt], ex);
        }
    }

    private static async Task<PostgresServer> StartLocalClusterAsync(List<string> attempts, CancellationToken cancellationToken)
    {
        var (found, searched) = PostgresBinaries.Find();
        if (found.Count == 0)
        {
            attempts.Add($"local PostgreSQL server binaries: no directory with initdb, pg_ctl and postgres (searched {searched})");
        }

        foreach (var binaries in found)
        {
            try
            {
                return new PostgresServer(await LocalCluster.StartAsync(binaries, cancellationToken));
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                attempts.Add($"local cluster from {binaries.BinDir}: {ex.Message}");
            }
        }

        throw PostgresUnavailableException.NoneWorked(attempts);
    }

    private async Task ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(_maintenanceConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    internal static string NewDatabaseName(string prefix)
    {
        var builder = new StringBuilder();
        foreach (var c in (prefix ?? "").ToLowerInvariant())
        {
            var keep = c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_';
            if (keep || (builder.Length > 0 && builder[^1] != '_'))
            {
                builder.Append(keep ? c : '_');
            }
        }

        var stem = builder.ToString().Trim('_');
        if (stem.Length == 0)
        {
            stem = "test";
        }
        else if (char.IsAsciiDigit(stem[0]))
        {
            stem = "db_" + stem;
        }

        var suffix = "_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        return stem[..Math.Min(stem.Length, MaxIdentifierLength - suffix.Length)] + suffix;
    }

    private static string QuoteIdentifier(string name) => "\"" + name.Replace("\"", "\"\"") + "\"";
}
