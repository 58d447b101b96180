using System.Security.Cryptography;
using Npgsql;
using Testcontainers.PostgreSql;

namespace SharedMigrations.Testing;

/// <summary>A disposable PostgreSQL container started with Testcontainers.</summary>
internal sealed class ContainerServer : IServerInstance
{
    public const string Image = "postgres:15-alpine";

    private readonly PostgreSqlContainer _container;
    private int _disposed;

    private ContainerServer(PostgreSqlContainer container, string adminConnectionString, string host, int port)
    {
        _container = container;
        AdminConnectionString = adminConnectionString;
        Host = host;
        Port = port;
    }

    public string AdminConnectionString { get; }
    public string Source => $"Testcontainers ({Image})";
    public string Host { get; }
    public int Port { get; }
    public bool CanRestart => false;

    public static async Task<ContainerServer> StartAsync(CancellationToken cancellationToken)
    {
        var container = new PostgreSqlBuilder(Image)
            .WithUsername("postgres")
            .WithPassword(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)))
            .WithDatabase("postgres")
            .WithCommand(
                "-c", "fsync=off",
                "-c", "synchronous_commit=off",
                "-c", "full_page_writes=off",
                "-c", "max_connections=300",
                "-c", "shared_buffers=128MB")
            .Build();
        try
        {
            await container.StartAsync(cancellationToken);
            var builder = new NpgsqlConnectionStringBuilder(container.GetConnectionString()) { Database = "postgres" };
            return new ContainerServer(container, builder.ConnectionString, builder.Host ?? container.Hostname, builder.Port);
        }
        catch
        {
            await container.DisposeAsync();
            throw;
        }
    }

    public Task StopAsync(bool immediate, CancellationToken cancellationToken) =>
        throw new InvalidOperationException($"The {Source} server cannot be stopped and restarted (CanRestart is false); only the local " +
            $"cluster can.");

    public Task StartAgainAsync(CancellationToken cancellationToken) =>
        throw new InvalidOperationException($"The {Source} server cannot be stopped and restarted (CanRestart is false); only the local " +
            $"cluster can.");

    public void ShutdownAtProcessExit()
    {
        // Ryuk (the Testcontainers reaper) also removes the container if this does not finish.
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _container.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(10));
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await _container.DisposeAsync();
        }
    }
}
