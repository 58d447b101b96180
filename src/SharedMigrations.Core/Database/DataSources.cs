using System.Collections.Concurrent;
using System.Net.Sockets;
using Npgsql;

namespace SharedMigrations.Core.Database;

/// <summary>One pooled <see cref="NpgsqlDataSource"/> per connection string for the life of the process, so that repeated runs reuse connections.</summary>
public static class DataSources
{
    private static readonly ConcurrentDictionary<string, Lazy<NpgsqlDataSource>> Cache = new(StringComparer.Ordinal);

    /// <summary>The shared data source of a connection.</summary>
    public static NpgsqlDataSource Get(ConnectionInfo connection) =>
        Cache.GetOrAdd(connection.ConnectionString, cs => new Lazy<NpgsqlDataSource>(() => NpgsqlDataSource.Create(cs))).Value;

    /// <summary>Closes every cached data source (module unload).</summary>
    public static void Clear()
    {
        foreach (var key in Cache.Keys.ToArray())
        {
            if (Cache.TryRemove(key, out var lazy) && lazy.IsValueCreated)
            {
                lazy.Value.Dispose();
            }
        }
    }
}

/// <summary>Opens connections with retries and turns failures into <see cref="DatabaseConnectionException"/>s that name the service and the server, never the password.</summary>
internal sealed class ConnectionOpener
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly string _service;
    private readonly string _target;
    private readonly int _retries;
    private readonly Func<string?, string> _redact;

    public ConnectionOpener(NpgsqlDataSource dataSource, string service, int retries, IReadOnlyList<string>? secrets = null)
    {
        _dataSource = dataSource;
        _service = service;
        _retries = retries;
        var builder = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString);
        _target = $"{builder.Host}:{builder.Port}" + (builder.Database is { } db ? $" (database {db}{(builder.Username is { } user ? ", user " + user : string.Empty)})" : string.Empty);
        var known = new List<string?> { builder.Password };
        known.AddRange(secrets ?? Array.Empty<string>());
        _redact = text => SecretRedactor.Redact(text, known);
    }

    public string Target => _target;

    public async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(250);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException && !cancellationToken.IsCancellationRequested)
            {
                if (attempt >= _retries || !IsTransient(ex))
                {
                    throw Translate(ex, attempt + 1);
                }
            }

            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 4000));
        }
    }

    public DatabaseConnectionException Translate(Exception ex, int attempts = 1)
    {
        var pg = ex as PostgresException ?? ex.InnerException as PostgresException;
        var authentication = pg?.SqlState is "28P01" or "28000";
        string reason = pg?.SqlState switch
        {
            "28P01" or "28000" => $"{pg.MessageText}. Check the user name and password (database.username / database.password, -Credential, or PGUSER/PGPASSWORD)",
            "3D000" => $"{pg.MessageText}. Create the database or fix database.database",
            _ when pg is not null => pg.MessageText,
            _ => DescribeCause(ex),
        };
        var tries = attempts > 1 ? $" after {attempts} attempts" : string.Empty;
        return new DatabaseConnectionException(
            _redact($"{_service}: cannot connect to PostgreSQL at {_target}{tries}: {reason}"),
            authentication,
            pg?.SqlState,
            innerException: null) { Service = _service };
    }

    private static bool IsTransient(Exception ex)
    {
        if (ex is PostgresException pg)
        {
            return pg.SqlState is "57P03" or "53300" or "08006" or "08001" or "57P01";
        }

        return ex is TimeoutException || ex.InnerException is SocketException or TimeoutException or IOException || (ex is NpgsqlException npgsql && npgsql.IsTransient);
    }

    private static string DescribeCause(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case SocketException socket:
                    return socket.SocketErrorCode switch
                    {
                        SocketError.ConnectionRefused => "connection refused (is PostgreSQL running and listening on that host and port?)",
                        SocketError.HostNotFound or SocketError.NoData => "the host name cannot be resolved",
                        SocketError.TimedOut => "the connection attempt timed out",
                        _ => socket.Message,
                    };
                case TimeoutException:
                    return "the connection attempt timed out (database.connect_timeout)";
            }
        }

        return ex.Message;
    }
}
