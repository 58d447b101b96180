using System.Diagnostics;
using Npgsql;
using SharedMigrations.Core.Configuration;
using SharedMigrations.Core.Errors;
using SharedMigrations.Core.Model;

namespace SharedMigrations.Core.Database;

/// <summary>
/// One run per database and history table at a time: a session advisory lock taken on a dedicated connection with
/// <c>pg_try_advisory_lock</c>, polled with backoff (a blocked waiter never sits in PostgreSQL's lock queue, so it cannot
/// deadlock a running <c>CREATE INDEX CONCURRENTLY</c>). The lock ends with its session, so a crashed run holds nothing.
/// </summary>
internal sealed class RunLock : IAsyncDisposable
{
    private const string KeyExpression =
        "hashtextextended('sharedmigrations/' || current_database() || '/' || COALESCE($1, current_schema(), 'public') || '/' || $2, 0)";

    private readonly NpgsqlConnection _connection;
    private readonly long _key;
    private bool _released;

    private RunLock(NpgsqlConnection connection, long key, TimeSpan waited)
    {
        _connection = connection;
        _key = key;
        Waited = waited;
    }

    /// <summary>The history, read under the lock on the lock's own connection (when asked for).</summary>
    public HistorySnapshot? History { get; private set; }

    /// <summary>How long the run waited for another run to finish.</summary>
    public TimeSpan Waited { get; }

    /// <summary>The advisory lock key (database, schema and table hashed by the server).</summary>
    public long Key => _key;

    /// <summary>
    /// Takes the lock, waiting up to <paramref name="wait"/> while another run holds it.
    /// <paramref name="onWaiting"/> is told once, with the holder, when the lock is busy.
    /// </summary>
    internal static async Task<RunLock> AcquireAsync(
        ConnectionOpener opener,
        HistoryTableName table,
        TimeSpan wait,
        string service,
        Action<RunLockHolder?>? onWaiting,
        HistoryStore? history,
        CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();

        // The first attempt carries the state query in the same round trip: a run that finds the lock free (the usual
        // case) has its history at once, on this connection, and needs no other connection when there is nothing to do.
        var (connection, first) = await opener.OpenAsync(
            c => TryLockAsync(c, table, history, cancellationToken),
            cancellationToken).ConfigureAwait(false);
        try
        {
            var delay = TimeSpan.FromMilliseconds(20);
            var told = false;
            var attempt = first;
            while (true)
            {
                var (key, acquired, snapshot) = attempt;

                if (acquired)
                {
                    var runLock = new RunLock(connection, key, told ? stopwatch.Elapsed : TimeSpan.Zero);
                    if (history is null)
                    {
                        return runLock;
                    }

                    try
                    {
                        runLock.History = snapshot is null
                            ? await history.ReadAsync(connection, readOnly: false, cancellationToken).ConfigureAwait(false)
                            : snapshot.Rethrow();
                        return runLock;
                    }
                    catch
                    {
                        // Never hand a pooled connection back while it holds the lock.
                        await runLock.DisposeAsync().ConfigureAwait(false);
                        throw;
                    }
                }

                if (!told)
                {
                    told = true;
                    onWaiting?.Invoke(await FindHolderAsync(connection, key, cancellationToken).ConfigureAwait(false));
                }

                var remaining = wait - stopwatch.Elapsed;
                if (remaining <= TimeSpan.Zero)
                {
                    var holder = await FindHolderAsync(connection, key, cancellationToken).ConfigureAwait(false);
                    throw new RunLockTimeoutException(
                        $"{service}: another run has held the migration lock of this database for {table} longer than " +
                            $"migration.lock_wait ({Duration.Format(wait)}): " +
                        $"{holder?.ToString() ?? "the holder has just released it"}. Wait for that run to finish (or stop it), or raise " +
                            $"migration.lock_wait.",
                        holder,
                        stopwatch.Elapsed)
                    { Service = service };
                }

                var jitter = TimeSpan.FromMilliseconds(Random.Shared.Next(0, (int)Math.Max(1, delay.TotalMilliseconds / 4)));
                var sleep = delay + jitter < remaining ? delay + jitter : remaining;
                await Task.Delay(sleep, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 1000));
                attempt = await TryLockAsync(connection, table, null, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            var sessionLost = ex is NpgsqlException and not PostgresException || ex is PostgresException pg
                && ConnectionOpener.IsSessionLost(pg);
            if (sessionLost && !cancellationToken.IsCancellationRequested)
            {
                throw opener.Translate(ex);
            }

            throw;
        }
    }

    /// <summary>
    /// One pg_try_advisory_lock: the key (database, schema and table hashed by the server) and whether it was taken; with
    /// <paramref name="history"/>, the state query runs in the same round trip, right after the lock in the same session.
    /// </summary>
    private static async Task<(long Key, bool Acquired, HistoryReading? History)> TryLockAsync(
        NpgsqlConnection connection,
        HistoryTableName table,
        HistoryStore? history,
        CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection);
        var lockCommand = new NpgsqlBatchCommand($"SELECT {KeyExpression} AS key, pg_try_advisory_lock({KeyExpression})");
        lockCommand.Parameters.Add(new NpgsqlParameter
        {
            Value = (object?)table.Schema ?? DBNull.Value,
            NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text,
        });
        lockCommand.Parameters.Add(new NpgsqlParameter { Value = table.Table, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        batch.BatchCommands.Add(lockCommand);
        if (history is not null)
        {
            foreach (var command in history.ReadCommands())
            {
                batch.BatchCommands.Add(command);
            }
        }

        var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        long key;
        bool acquired;
        HistoryReading? reading = null;
        try
        {
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            key = reader.GetInt64(0);
            acquired = reader.GetBoolean(1);
            if (history is not null && acquired)
            {
                try
                {
                    await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
                    reading = new HistoryReading(await history.ReadSnapshotAsync(reader, cancellationToken).ConfigureAwait(false), null);
                }
                catch (PostgresException ex) when (HistoryStore.IsAbsent(ex))
                {
                    reading = new HistoryReading(HistorySnapshot.Absent, null);
                }
                catch (PostgresException ex) when (HistoryStore.IsForeign(ex))
                {
                    reading = new HistoryReading(null, history.Incompatible(ex));
                }
            }
        }
        finally
        {
            try
            {
                await reader.DisposeAsync().ConfigureAwait(false);
            }
            catch (PostgresException ex) when (HistoryStore.IsAbsent(ex) || HistoryStore.IsForeign(ex))
            {
                // The state query's error while the lock was busy: its result was not wanted.
            }
        }

        return (key, acquired, reading);
    }

    /// <summary>
    /// The state query's outcome read with the lock: the history, or the error to raise once the lock is safe to release.
    /// </summary>
    private sealed record HistoryReading(HistorySnapshot? Snapshot, Exception? Error)
    {
        public HistorySnapshot Rethrow() => Error is not null ? throw Error : Snapshot!;
    }

    /// <summary>Who holds the lock: pid, application name, client, user and since when (from pg_locks and pg_stat_activity).</summary>
    internal static async Task<RunLockHolder?> FindHolderAsync(NpgsqlConnection connection, long key, CancellationToken cancellationToken)
    {
        const string sql =
            "SELECT a.pid, a.application_name, host(a.client_addr), a.usename, COALESCE(a.state_change, a.backend_start) " +
            "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid " +
            "WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 " +
            "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) " +
            "AND l.classid::bigint = (($1 >> 32) & 4294967295) AND l.objid::bigint = ($1 & 4294967295) " +
            "AND a.pid <> pg_backend_pid() LIMIT 1";
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = key });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return new RunLockHolder(
            reader.GetInt32(0),
            reader.IsDBNull(1) ? null : reader.GetString(1),
            reader.IsDBNull(2) ? null : reader.GetString(2),
            reader.IsDBNull(3) ? null : reader.GetString(3),
            reader.IsDBNull(4) ? null : new DateTimeOffset(reader.GetDateTime(4), TimeSpan.Zero));
    }

    /// <summary>
    /// Releases the lock and returns the connection. If the unlock cannot be sent, the session is closed, which releases it too.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (_released)
        {
            return;
        }

        _released = true;
        try
        {
            await using var command = new NpgsqlCommand("SELECT pg_advisory_unlock($1)", _connection);
            command.Parameters.Add(new NpgsqlParameter { Value = _key });
            await command.ExecuteScalarAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or ObjectDisposedException)
        {
            // The session is gone or broken; PostgreSQL released the lock with it. Make sure the pool does not keep it.
            NpgsqlConnection.ClearPool(_connection);
        }
        finally
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
        }
    }
}
