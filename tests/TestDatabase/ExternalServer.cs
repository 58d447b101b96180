using Npgsql;

namespace SharedMigrations.Testing;

/// <summary>A server given by <c>SHAREDMIGRATIONS_TEST_CONNECTION</c>: used as-is and never stopped.</summary>
internal sealed class ExternalServer : IServerInstance
{
    private ExternalServer(string connectionString, string host, int port)
    {
        AdminConnectionString = connectionString;
        Host = host;
        Port = port;
    }

    public string AdminConnectionString { get; }
    public string Source => PostgresServer.ConnectionEnvironmentVariable;
    public string Host { get; }
    public int Port { get; }
    public bool CanRestart => false;

    /// <summary>Parses the connection string and checks that a connection can be opened.</summary>
    public static async Task<ExternalServer> ConnectAsync(string connectionString, CancellationToken cancellationToken)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException ex)
        {
            // The message of ArgumentException does not echo the connection string (and so not the password).
            throw new InvalidOperationException($"it is not a valid Npgsql connection string: {ex.Message}", ex);
        }

        var host = builder.Host ?? "localhost";
        try
        {
            var probe = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false };
            await using var connection = new NpgsqlConnection(probe.ConnectionString);
            await connection.OpenAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException)
        {
            throw new InvalidOperationException(
                $"cannot connect to {host}:{builder.Port} as '{builder.Username}': {ex.Message}", ex);
        }

        return new ExternalServer(connectionString, host, builder.Port);
    }

    public Task StopAsync(bool immediate, CancellationToken cancellationToken) =>
        throw new InvalidOperationException($"The server from {Source} cannot be stopped by the tests (CanRestart is false).");

    public Task StartAgainAsync(CancellationToken cancellationToken) =>
        throw new InvalidOperationException($"The server from {Source} cannot be restarted by the tests (CanRestart is false).");

    public void ShutdownAtProcessExit()
    {
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
