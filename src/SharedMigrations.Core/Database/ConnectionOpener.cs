using System.Collections.Concurrent;
using System.Net.Sockets;
using Npgsql;
using SharedMigrations.Core.Errors;

namespace SharedMigrations.Core.Database;

/// <summary>
/// Opens connections with retries and turns failures into <see cref="DatabaseConnectionException"/>s that name the service and the server,
/// never the password.
/// </summary>
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
        _target = $"{builder.Host}:{builder.Port}"
            + (builder.Database is { } db
                ? $" (database {db}{(builder.Username is { } user ? ", user " + user : string.Empty)})"
                : string.Empty);
        var known = new List<string?> { builder.Password };
        known.AddRange(secrets ?? Array.Empty<string>());
        _redact = text => SecretRedactor.Redact(text, known);
    }

    public string Target => _target;

    /// <summary>Opens a connection (with the configured retries for connection failures). No round trip beyond the pool's own.</summary>
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

    /// <summary>
    /// Opens a connection and runs its first, idempotent use on it. A pooled connection may have died with its server
    /// (a restart, a failover) while it sat idle, and the pool hands it out as open: when the first use finds the session
    /// gone, the pool's idle connections (as stale) are dropped and the use runs once more on a fresh connection. This
    /// costs no extra round trip when the connection is alive.
    /// </summary>
    public async Task<(NpgsqlConnection Connection, T Result)> OpenAsync<T>(
        Func<NpgsqlConnection, Task<T>> firstUse,
        CancellationToken cancellationToken)
    {
        var retried = false;
        while (true)
        {
            var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                return (connection, await firstUse(connection).ConfigureAwait(false));
            }
            catch (Exception ex) when (!retried && !cancellationToken.IsCancellationRequested && IsLostSession(ex))
            {
                retried = true;
                NpgsqlConnection.ClearPool(connection);
                await connection.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
                if (!cancellationToken.IsCancellationRequested && ex is not MigrationException && IsLostSession(ex))
                {
                    throw Translate(ex);
                }

                throw;
            }
        }
    }

    /// <summary>Whether an error means the session itself is gone (the connection broke, or the server ended the backend).</summary>
    internal static bool IsLostSession(Exception ex) => ex switch
    {
        PostgresException pg => IsSessionLost(pg),
        NpgsqlException => true,
        DatabaseConnectionException => true,
        _ => false,
    };

    public DatabaseConnectionException Translate(Exception ex, int attempts = 1)
    {
        var pg = ex as PostgresException ?? ex.InnerException as PostgresException;
        var authentication = pg?.SqlState is "28P01" or "28000";
        string reason = pg?.SqlState switch
        {
            "28P01" or "28000" =>
                $"{pg.MessageText}. Check the user name and password (database.username / database.password, -Credential, or " +
                    $"PGUSER/PGPASSWORD)",
            "3D000" => $"{pg.MessageText}. Create the database or fix database.database",
            _ when pg is not null => pg.MessageText,
            _ => DescribeCause(ex),
        };
        var tries = attempts > 1 ? $" after {attempts} attempts" : string.Empty;
        return new DatabaseConnectionException(
            _redact($"{_service}: cannot connect to PostgreSQL at {_target}{tries}: {reason}"),
            authentication,
            pg?.SqlState,
            innerException: null)
        { Service = _service };
    }

    /// <summary>
    /// Whether a server error means the session itself is gone rather than that a statement failed: a connection
    /// exception (class 08), or the server shutting down or terminating the backend (57P01 admin_shutdown, for example
    /// a fast shutdown or pg_terminate_backend; 57P02 crash_shutdown; 57P03 cannot_connect_now).
    /// </summary>
    internal static bool IsSessionLost(PostgresException ex) =>
        ex.SqlState.StartsWith("08", StringComparison.Ordinal) || ex.SqlState is "57P01" or "57P02" or "57P03";

    private static bool IsTransient(Exception ex)
    {
        if (ex is PostgresException pg)
        {
            return pg.SqlState is "57P03" or "53300" or "08006" or "08001" or "57P01";
        }

        return ex is TimeoutException || ex.InnerException is SocketException or TimeoutException or IOException
            || (ex is NpgsqlException npgsql && npgsql.IsTransient);
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
