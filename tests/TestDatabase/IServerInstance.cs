namespace SharedMigrations.Testing;

/// <summary>One way of running a server (external, container, local cluster); wrapped by <see cref="PostgresServer"/>.</summary>
internal interface IServerInstance : IAsyncDisposable
{
    string AdminConnectionString { get; }
    string Source { get; }
    string Host { get; }
    int Port { get; }
    bool CanRestart { get; }

    Task StopAsync(bool immediate, CancellationToken cancellationToken);
    Task StartAgainAsync(CancellationToken cancellationToken);

    /// <summary>Synchronous best-effort cleanup for AppDomain.ProcessExit.</summary>
    void ShutdownAtProcessExit();
}
