using System.Diagnostics;
using System.Globalization;
using Npgsql;
using SharedMigrations.Core.Configuration;
using SharedMigrations.Core.Errors;
using SharedMigrations.Core.Model;

namespace SharedMigrations.Core.Database;

/// <summary>
/// Runs a migration. A transactional one is one round trip: BEGIN, the timeouts, every statement, the history row,
/// the audit row and COMMIT in one batch, so it is applied wholly or not at all. A <c>Transaction: none</c> one runs
/// statement by statement behind a history row that reads Failed until its last statement is done.
/// </summary>
internal sealed class MigrationExecutor
{
    private readonly HistoryStore _store;
    private readonly MigrationSettings _settings;
    private readonly string _service;
    private readonly Func<string?, string> _redact;

    public MigrationExecutor(HistoryStore store, MigrationSettings settings, string service, Func<string?, string> redact)
    {
        _store = store;
        _settings = settings;
        _service = service;
        _redact = redact;
    }

    public async Task<MigrationResult> RunAsync(NpgsqlConnection connection, ExecutionStep step, CancellationToken cancellationToken)
    {
        var started = DateTimeOffset.UtcNow;
        var stopwatch = Stopwatch.StartNew();
        if (step.Transaction == TransactionMode.None)
        {
            await RunWithoutTransactionAsync(connection, step, started, stopwatch, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await RunInTransactionAsync(connection, step, started, stopwatch, cancellationToken).ConfigureAwait(false);
        }

        return new MigrationResult
        {
            Service = _service,
            Version = step.Version,
            Name = step.Name,
            Direction = step.Direction,
            Duration = stopwatch.Elapsed,
            Succeeded = true,
            FilePath = step.FilePath,
            Transaction = step.Transaction,
            Statements = step.Script.Statements.Count,
        };
    }

    private async Task RunInTransactionAsync(
        NpgsqlConnection connection,
        ExecutionStep step,
        DateTimeOffset started,
        Stopwatch stopwatch,
        CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN"));
        batch.BatchCommands.Add(new NpgsqlBatchCommand("SET LOCAL lock_timeout = " + Milliseconds(_settings.LockTimeout)));
        batch.BatchCommands.Add(new NpgsqlBatchCommand("SET LOCAL statement_timeout = " + Milliseconds(_settings.StatementTimeout)));
        if (ChecksClientConnection(connection))
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand("SET LOCAL client_connection_check_interval = " + ClientCheckMilliseconds));
        }

        var first = batch.BatchCommands.Count;
        foreach (var statement in step.Script.Statements)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(statement.Text));
        }

        if (step.Direction == MigrationDirection.Up)
        {
            batch.BatchCommands.Add(_store.InsertApplied(step.Migration!));
        }
        else
        {
            batch.BatchCommands.Add(_store.Delete(step.Version));
        }

        batch.BatchCommands.Add(_store.Log(step.Version, step.Name, step.Direction, true, step.Checksum));
        batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));

        try
        {
            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException)
        {
            var failedIndex = FailedCommandIndex(batch, ex) - first;
            if (failedIndex < 0 || failedIndex >= step.Script.Statements.Count)
            {
                failedIndex = -1;
            }

            var error = BuildError(step, ex, failedIndex, rolledBack: true);
            await RecordFailureAsync(connection, step, started, stopwatch, error, rollback: true).ConfigureAwait(false);
            if (ex is OperationCanceledException)
            {
                throw;
            }

            throw error;
        }
    }

    private async Task RunWithoutTransactionAsync(
        NpgsqlConnection connection,
        ExecutionStep step,
        DateTimeOffset started,
        Stopwatch stopwatch,
        CancellationToken cancellationToken)
    {
        var statements = step.Script.Statements;
        await using (var prepare = new NpgsqlBatch(connection))
        {
            prepare.BatchCommands.Add(new NpgsqlBatchCommand("SET lock_timeout = " + Milliseconds(_settings.LockTimeout)));
            prepare.BatchCommands.Add(new NpgsqlBatchCommand("SET statement_timeout = " + Milliseconds(_settings.StatementTimeout)));
            if (ChecksClientConnection(connection))
            {
                prepare.BatchCommands.Add(new NpgsqlBatchCommand("SET client_connection_check_interval = " + ClientCheckMilliseconds));
            }

            prepare.BatchCommands.Add(step.Direction == MigrationDirection.Up
                ? _store.InsertMarker(step.Migration!)
                : _store.MarkRollingBack(step.Version, statements.Count));
            try
            {
                await prepare.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (NpgsqlException ex) when (!cancellationToken.IsCancellationRequested)
            {
                // One implicit transaction: nothing of it ran and no marker was written.
                throw BuildError(step, ex, -1, rolledBack: false, statementsDone: 0);
            }
        }

        var done = 0;
        try
        {
            for (; done < statements.Count; done++)
            {
                await using (var command = new NpgsqlCommand(statements[done].Text, connection))
                {
                    await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await using var progress = new NpgsqlBatch(connection);
                progress.BatchCommands.Add(_store.Progress(step.Version, done + 1));
                await progress.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException)
        {
            var error = BuildError(step, ex, done, rolledBack: false, statementsDone: done);
            await RecordPartialFailureAsync(connection, step, done, started, stopwatch, error).ConfigureAwait(false);
            if (ex is OperationCanceledException)
            {
                throw;
            }

            throw error;
        }

        await using var finish = new NpgsqlBatch(connection);
        finish.BatchCommands.Add(step.Direction == MigrationDirection.Up
            ? _store.CompleteMarker(step.Version, stopwatch.ElapsedMilliseconds)
            : _store.Delete(step.Version));
        finish.BatchCommands.Add(_store.Log(step.Version, step.Name, step.Direction, true, step.Checksum, started, stopwatch.Elapsed));
        finish.BatchCommands.Add(new NpgsqlBatchCommand("RESET lock_timeout"));
        finish.BatchCommands.Add(new NpgsqlBatchCommand("RESET statement_timeout"));
        if (ChecksClientConnection(connection))
        {
            finish.BatchCommands.Add(new NpgsqlBatchCommand("RESET client_connection_check_interval"));
        }

        try
        {
            await finish.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (NpgsqlException ex)
        {
            // Every statement ran but the marker could not be completed: it still reads Failed with all statements done.
            throw BuildError(step, ex, -1, rolledBack: false, statementsDone: statements.Count);
        }
    }

    private async Task RecordFailureAsync(
        NpgsqlConnection connection,
        ExecutionStep step,
        DateTimeOffset started,
        Stopwatch stopwatch,
        MigrationException error,
        bool rollback)
    {
        if (connection.FullState.HasFlag(System.Data.ConnectionState.Broken) || connection.State != System.Data.ConnectionState.Open)
        {
            return;
        }

        try
        {
            await using var batch = new NpgsqlBatch(connection);
            if (rollback)
            {
                batch.BatchCommands.Add(new NpgsqlBatchCommand("ROLLBACK"));
            }

            batch.BatchCommands.Add(FailureLog(step, started, stopwatch, error));
            await batch.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            // The failure itself is what the caller needs; a lost audit row must not hide it.
        }
    }

    private async Task RecordPartialFailureAsync(
        NpgsqlConnection connection,
        ExecutionStep step,
        int done,
        DateTimeOffset started,
        Stopwatch stopwatch,
        MigrationException error)
    {
        if (connection.FullState.HasFlag(System.Data.ConnectionState.Broken) || connection.State != System.Data.ConnectionState.Open)
        {
            return;
        }

        try
        {
            await using var batch = new NpgsqlBatch(connection);
            if (done == 0)
            {
                // Nothing ran: the migration is as it was before the attempt (Pending going up, Applied going down).
                batch.BatchCommands.Add(step.Direction == MigrationDirection.Up
                    ? _store.Delete(step.Version)
                    : _store.UnmarkRollingBack(step.Version, step.UpStatements));
            }
            else
            {
                var pg = error as MigrationExecutionException;
                batch.BatchCommands.Add(_store.RecordFailure(step.Version, done, pg?.PostgresMessage ?? error.Message));
            }

            batch.BatchCommands.Add(FailureLog(step, started, stopwatch, error));
            batch.BatchCommands.Add(new NpgsqlBatchCommand("RESET lock_timeout"));
            batch.BatchCommands.Add(new NpgsqlBatchCommand("RESET statement_timeout"));
            if (ChecksClientConnection(connection))
            {
                batch.BatchCommands.Add(new NpgsqlBatchCommand("RESET client_connection_check_interval"));
            }

            await batch.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            // Keep the original failure; the marker row still says Failed with the statements reached.
        }
    }

    private MigrationException BuildError(ExecutionStep step, Exception ex, int statementIndex, bool rolledBack, int statementsDone = 0)
    {
        var pg = ex as PostgresException ?? ex.InnerException as PostgresException;
        var statements = step.Script.Statements;
        int? line = null;
        if (statementIndex >= 0 && statementIndex < statements.Count)
        {
            var statement = statements[statementIndex];
            var offset = statement.Offset;
            if (pg is { Position: > 0 } && pg.Position <= statement.Text.Length)
            {
                offset += pg.Position - 1;
            }

            line = step.Script.LineOf(offset) ?? RecordedLine(step.Script.Text, offset);
        }

        var where = line is { } l ? $"{step.DisplayName} line {l}" : step.DisplayName;
        var direction = step.Direction == MigrationDirection.Down ? "DOWN of " : string.Empty;
        var outcome = step.Transaction == TransactionMode.None
            ? statementsDone == 0
                ? "Nothing of it ran (it is as before)."
                : $"It ran outside a transaction: statements 1 to {statementsDone} of {statements.Count} stay applied and it is marked " +
                    $"Failed; put the database right, then run Repair-MigrationHistory."
            : rolledBack
                ? $"The {direction}migration was rolled back; earlier migrations stay applied, later ones were not tried."
                : string.Empty;

        if (ex is OperationCanceledException || pg?.SqlState == "57014" && ex is OperationCanceledException)
        {
            return new MigrationExecutionException(
                _redact($"{_service}: {where}: cancelled. {outcome}"),
                step.Version, step.Name, step.FilePath, line, "57014", "canceling statement due to user request", step.Direction, ex)
            { Service = _service };
        }

        if (pg is null || ConnectionOpener.IsSessionLost(pg))
        {
            // The session is gone (network, server stopped or restarted, backend terminated): a connection error, not a failing statement.
            var cause = pg is null ? ex.Message : $"{pg.MessageText} (SQLSTATE {pg.SqlState})";
            return new DatabaseConnectionException(
                _redact($"{_service}: the connection to PostgreSQL was lost while running {direction}{where}: {cause}. " +
                    (step.Transaction == TransactionMode.None
                        ? "It ran outside a transaction: check its state with Get-MigrationStatus (it shows Failed if it stopped part way)."
                        : "PostgreSQL rolls back an unfinished transaction, so it is not applied; run again when the server is back.")),
                authenticationFailed: false,
                pg?.SqlState,
                innerException: null)
            { Service = _service };
        }

        var hint = pg.SqlState switch
        {
            "55P03" =>
                $" The statement waited longer than migration.lock_timeout ({Duration.Format(_settings.LockTimeout)}) for a lock held by " +
                    $"another session; run it when the table is less busy, or raise migration.lock_timeout.",
            "57014" =>
                $" The statement ran longer than migration.statement_timeout ({Duration.Format(_settings.StatementTimeout)}); raise it " +
                    $"for this service or make the statement cheaper.",
            _ => string.Empty,
        };
        var detail = PostgresErrorDetail.Describe(pg, _settings.ErrorDetail);
        var message = $"{_service}: {direction}{where}: {pg.MessageText} (SQLSTATE {pg.SqlState}).{detail}{hint} {outcome}".TrimEnd();
        return new MigrationExecutionException(
            _redact(message),
            step.Version,
            step.Name,
            step.FilePath,
            line,
            pg.SqlState,
            _redact(pg.MessageText),
            step.Direction,
            innerException: null)
        { Service = _service };
    }

    /// <summary>
    /// The index of the batch command that failed. Npgsql does not always set <see cref="NpgsqlException.BatchCommand"/>
    /// (not for errors found while parsing), but every command that completed has a known statement type.
    /// </summary>
    private static int FailedCommandIndex(NpgsqlBatch batch, Exception ex)
    {
        if (ex is PostgresException { BatchCommand: { } failed })
        {
            return batch.BatchCommands.IndexOf(failed);
        }

        for (var i = 0; i < batch.BatchCommands.Count; i++)
        {
            if (batch.BatchCommands[i].StatementType == StatementType.Unknown)
            {
                return i;
            }
        }

        return -1;
    }

    private static int RecordedLine(string text, int offset)
    {
        var line = 1;
        for (var i = 0; i < offset && i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                line++;
            }
        }

        return line;
    }

    /// <summary>
    /// Whether the server can notice a vanished client in the middle of a statement (PostgreSQL 14 and later). Without it,
    /// a run killed during a long statement leaves its backend running the rest of the batch, COMMIT included, after the
    /// run lock (held by the killed process's other session) is already gone.
    /// </summary>
    /// <summary>The audit row of a failed step, for both failure records.</summary>
    private NpgsqlBatchCommand FailureLog(ExecutionStep step, DateTimeOffset started, Stopwatch stopwatch, MigrationException error) =>
        _store.Log(
            step.Version,
            step.Name,
            step.Direction,
            false,
            step.Checksum,
            started,
            stopwatch.Elapsed,
            error.Message,
            (error as MigrationExecutionException)?.SqlState);

    private static bool ChecksClientConnection(NpgsqlConnection connection) => connection.PostgreSqlVersion.Major >= 14;

    /// <summary>
    /// How often (ms) a migration's backend checks that its client is still there, so a killed run's work is rolled back within about a
    /// second.
    /// </summary>
    private const string ClientCheckMilliseconds = "1000";

    private static string Milliseconds(TimeSpan value) => ((long)value.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
}
