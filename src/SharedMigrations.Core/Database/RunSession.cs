using Npgsql;
using SharedMigrations.Core.Model;

namespace SharedMigrations.Core.Database;

/// <summary>
/// A run's lock, the history read under it, and the connection migrations run on — opened only when there is work,
/// so that a run with nothing to do costs the lock's connection alone (lock and state query, then unlock). A dry run's
/// session has no lock: the history is read on a read-only connection.
/// </summary>
internal sealed class RunSession : IAsyncDisposable
{
    private readonly Func<CancellationToken, Task<NpgsqlConnection>> _open;
    private readonly RunLock? _runLock;
    private NpgsqlConnection? _connection;

    public RunSession(
        Func<CancellationToken, Task<NpgsqlConnection>> open,
        RunLock? runLock,
        HistorySnapshot history,
        NpgsqlConnection? connection)
    {
        _open = open;
        _runLock = runLock;
        History = history;
        _connection = connection;
    }

    public HistorySnapshot History { get; }

    public TimeSpan LockWaited => _runLock?.Waited ?? TimeSpan.Zero;

    /// <summary>The connection the work runs on (not the lock's: the lock has a dedicated session).</summary>
    public async Task<NpgsqlConnection> ConnectionAsync(CancellationToken cancellationToken) =>
        _connection ??= await _open(cancellationToken).ConfigureAwait(false);

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
        }

        if (_runLock is not null)
        {
            await _runLock.DisposeAsync().ConfigureAwait(false);
        }
    }
}
