using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using SharedMigrations.Core.Configuration;
using SharedMigrations.Core.Database;
using SharedMigrations.Core.Errors;
using SharedMigrations.Core.Model;
using SharedMigrations.Core.Planning;

namespace SharedMigrations.Core;

/// <summary>
/// The database side of one service over an <see cref="NpgsqlDataSource"/>: the history table and audit log, the run lock,
/// and applying or reverting one migration.
/// </summary>
internal sealed class ServiceDatabase
{
    private readonly ConnectionOpener _opener;
    private readonly MigrationExecutor _executor;
    private readonly ILogger _logger;
    private readonly IReadOnlyList<string> _secrets;

    /// <summary>Creates a manager over a data source (for use from a service's own code).</summary>
    public ServiceDatabase(
        NpgsqlDataSource dataSource,
        MigrationSettings? settings = null,
        string serviceName = "service",
        ILogger? logger = null)
        : this(
            dataSource,
            settings ?? new MigrationSettings(),
            serviceName,
            logger,
            ConnectionResolver.DefaultConnectRetries,
            Array.Empty<string>())
    {
    }

    internal ServiceDatabase(
        NpgsqlDataSource dataSource,
        MigrationSettings settings,
        string serviceName,
        ILogger? logger,
        int connectRetries,
        IReadOnlyList<string> secrets)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        DataSource = dataSource;
        Settings = settings;
        ServiceName = serviceName;
        _logger = logger ?? NullLogger.Instance;
        _secrets = secrets;
        KnownSecrets.Register(secrets);
        _opener = new ConnectionOpener(dataSource, serviceName, connectRetries, secrets);
        History = new HistoryStore(
            settings.TableName,
            serviceName)
        { Snapshots = new Schema.SchemaStore(settings.TableName, settings.Schemas) };
        _executor = new MigrationExecutor(History, settings, serviceName, Redact);
    }

    public NpgsqlDataSource DataSource { get; }

    public MigrationSettings Settings { get; }

    public string ServiceName { get; }

    public HistoryStore History { get; }

    /// <summary>The database's name, from the data source's connection string.</summary>
    internal string? DatabaseName => new NpgsqlConnectionStringBuilder(DataSource.ConnectionString).Database;

    /// <summary>Where the database is (host:port and database; never the password).</summary>
    public string Server => _opener.Target;

    /// <summary>Opens a connection (with the configured retries); failures name the service and server, never the password.</summary>
    public Task<NpgsqlConnection> OpenConnectionAsync(CancellationToken cancellationToken = default) =>
        _opener.OpenAsync(cancellationToken);

    /// <summary>Takes the run lock of this database and history table, waiting up to migration.lock_wait.</summary>
    public Task<RunLock> AcquireLockAsync(Action<RunLockHolder?>? onWaiting = null, CancellationToken cancellationToken = default) =>
        RunLock.AcquireAsync(_opener, Settings.TableName, Settings.LockWait, ServiceName, onWaiting, null, cancellationToken);

    /// <summary>
    /// Takes the run lock and reads the history under it, on the lock's connection (one round trip when the lock is free).
    /// </summary>
    public Task<RunLock> AcquireLockAndReadHistoryAsync(
        Action<RunLockHolder?>? onWaiting = null,
        CancellationToken cancellationToken = default) =>
        Guard(
            () => RunLock.AcquireAsync(_opener, Settings.TableName, Settings.LockWait, ServiceName, onWaiting, History, cancellationToken),
            cancellationToken);

    /// <summary>Reads the history in one query on a connection of its own, read-only, without the lock.</summary>
    public async Task<HistorySnapshot> ReadHistoryAsync(CancellationToken cancellationToken = default)
    {
        var (connection, history) = await OpenWithAsync(
            c => ReadHistoryAsync(c, readOnly: true, cancellationToken),
            cancellationToken).ConfigureAwait(false);
        await connection.DisposeAsync().ConfigureAwait(false);
        return history;
    }

    /// <summary>
    /// Opens a connection and runs its first, idempotent use: a pooled connection found dead (its server restarted) is
    /// replaced and the use runs once more, with no extra round trip while the connection is alive.
    /// </summary>
    internal Task<(NpgsqlConnection Connection, T Result)> OpenWithAsync<T>(
        Func<NpgsqlConnection, Task<T>> firstUse,
        CancellationToken cancellationToken) =>
        _opener.OpenAsync(firstUse, cancellationToken);

    /// <summary>Reads the history in one query on the given connection.</summary>
    public Task<HistorySnapshot> ReadHistoryAsync(
        NpgsqlConnection connection,
        bool readOnly,
        CancellationToken cancellationToken = default) =>
        Guard(() => History.ReadAsync(connection, readOnly, cancellationToken), cancellationToken);

    /// <summary>Creates the history table and audit log in one transaction. Call it while holding the run lock.</summary>
    public async Task CreateHistoryAsync(NpgsqlConnection connection, CancellationToken cancellationToken = default)
    {
        await Guard(
            async () =>
            {
                await using var batch = new NpgsqlBatch(connection);
                batch.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN"));
                foreach (var statement in History.CreateStatements())
                {
                    batch.BatchCommands.Add(new NpgsqlBatchCommand(statement));
                }

                batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
                try
                {
                    await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (PostgresException)
                {
                    await TryRollbackAsync(connection).ConfigureAwait(false);
                    throw;
                }

                return 0;
            },
            cancellationToken).ConfigureAwait(false);
        _logger.LogInformation(
            "{Service}: created history table {Table} and audit log {Log}.",
            ServiceName,
            Settings.TableName,
            Settings.TableName.LogTable);
    }

    /// <summary>Applies one migration (under the run lock, which the caller holds).</summary>
    public Task<MigrationResult> ApplyAsync(
        NpgsqlConnection connection,
        Migration migration,
        CancellationToken cancellationToken = default) =>
        _executor.RunAsync(
            connection,
            new ExecutionStep(
                migration.Version,
                migration.Name,
                migration.Checksum,
                migration.Up,
                migration.Transaction,
                migration.FilePath,
                MigrationDirection.Up,
                migration),
            cancellationToken);

    /// <summary>Rolls back one applied migration with the given DOWN (under the run lock, which the caller holds).</summary>
    public Task<MigrationResult> RevertAsync(
        NpgsqlConnection connection,
        AppliedMigration applied,
        MigrationScript down,
        TransactionMode transaction,
        Migration? file,
        CancellationToken cancellationToken = default) =>
        _executor.RunAsync(
            connection,
            new ExecutionStep(
                applied.Version,
                applied.Name,
                applied.Checksum,
                down,
                transaction,
                file?.FilePath,
                MigrationDirection.Down,
                file,
                applied.StatementsTotal),
            cancellationToken);

    /// <summary>Reads the audit log, oldest first.</summary>
    public async Task<IReadOnlyList<MigrationEvent>> ReadEventsAsync(CancellationToken cancellationToken = default)
    {
        var (connection, events) = await OpenWithAsync(
            c => Guard(() => History.ReadEventsAsync(c, cancellationToken), cancellationToken),
            cancellationToken).ConfigureAwait(false);
        await connection.DisposeAsync().ConfigureAwait(false);
        return events;
    }

    /// <summary>
    /// Opens a run's session: for a dry run a read-only read of the history without the lock; otherwise the run lock and
    /// the state query in one round trip, on the lock's connection.
    /// </summary>
    internal async Task<RunSession> OpenRunSessionAsync(bool dryRun, Action<RunLockHolder?> onWaiting, CancellationToken cancellationToken)
    {
        if (dryRun)
        {
            var (connection, snapshot) = await OpenWithAsync(c => ReadHistoryAsync(c, readOnly: true, cancellationToken), cancellationToken)
                .ConfigureAwait(false);
            return new RunSession(OpenConnectionAsync, null, snapshot, connection);
        }

        var runLock = await AcquireLockAndReadHistoryAsync(onWaiting, cancellationToken).ConfigureAwait(false);
        return new RunSession(OpenConnectionAsync, runLock, runLock.History!, null);
    }

    /// <summary>Creates the history table and audit log on the session's connection.</summary>
    internal async Task CreateHistoryAsync(RunSession session, CancellationToken cancellationToken) =>
        await CreateHistoryAsync(
            await session.ConnectionAsync(cancellationToken).ConfigureAwait(false),
            cancellationToken).ConfigureAwait(false);

    /// <summary>Applies one migration on the session's connection.</summary>
    internal async Task<MigrationResult> ApplyAsync(RunSession session, Migration migration, CancellationToken cancellationToken) =>
        await ApplyAsync(
            await session.ConnectionAsync(cancellationToken).ConfigureAwait(false),
            migration,
            cancellationToken).ConfigureAwait(false);

    /// <summary>Rolls back one step of a down plan on the session's connection.</summary>
    internal async Task<MigrationResult> RevertAsync(RunSession session, RollbackStep step, CancellationToken cancellationToken) =>
        await RevertAsync(
            await session.ConnectionAsync(
                cancellationToken).ConfigureAwait(false), step.Item.Applied, step.Down, step.Mode, step.Item.File, cancellationToken)
            .ConfigureAwait(false);

    /// <summary>The DOWN scripts recorded at apply time for <paramref name="versions"/>.</summary>
    internal async Task<IReadOnlyDictionary<long, string?>> ReadDownScriptsAsync(
        RunSession session, IReadOnlyCollection<long> versions, CancellationToken cancellationToken)
    {
        if (versions.Count == 0)
        {
            return new Dictionary<long, string?>();
        }

        return await Guard(
            async () => await History.ReadDownScriptsAsync(
                await session.ConnectionAsync(cancellationToken).ConfigureAwait(false),
                versions,
                cancellationToken)
                .ConfigureAwait(false),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Repairs the history on the session's connection (see the overload on a connection).</summary>
    internal async Task<IReadOnlyList<MigrationEvent>> RepairAsync(
        RunSession session,
        IReadOnlyList<(MigrationStatusEntry Entry, PlannedStepKind Kind)> repairs,
        CancellationToken cancellationToken) =>
        await RepairAsync(
            await session.ConnectionAsync(cancellationToken).ConfigureAwait(false),
            repairs,
            cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Records the live schema snapshot as that of <paramref name="version"/> on the session's connection (one round trip).
    /// </summary>
    internal async Task<(string Fingerprint, Schema.SchemaSnapshot? Snapshot)> RecordSchemaAsync(
        RunSession session, long version, bool returnSnapshot, CancellationToken cancellationToken)
    {
        var connection = await session.ConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await Guard(
            () => History.Snapshots!.RecordAsync(connection, version, returnSnapshot, cancellationToken),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads the live schema in one round trip on a connection of its own (read-only, no lock).</summary>
    internal async Task<Schema.SchemaSnapshot> ReadSchemaAsync(CancellationToken cancellationToken)
    {
        var (connection, snapshot) = await OpenWithAsync(
            c => Guard(() => Schema.SchemaReader.ReadAsync(c, History.Snapshots!.Query, cancellationToken), cancellationToken),
            cancellationToken).ConfigureAwait(false);
        await connection.DisposeAsync().ConfigureAwait(false);
        return snapshot;
    }

    /// <summary>The snapshot recorded by the last run that changed something, or null.</summary>
    internal async Task<Schema.RecordedSchema?> ReadRecordedSchemaAsync(CancellationToken cancellationToken)
    {
        var (connection, recorded) = await OpenWithAsync(
            c => Guard(() => History.Snapshots!.ReadLastAsync(c, cancellationToken), cancellationToken),
            cancellationToken).ConfigureAwait(false);
        await connection.DisposeAsync().ConfigureAwait(false);
        return recorded;
    }

    /// <summary>True for an error of the database client itself (not yet turned into a migration error).</summary>
    internal static bool IsDatabaseError(Exception exception) => exception is NpgsqlException;

    internal string Redact(string? text) => SecretRedactor.Redact(text, _secrets);

    /// <summary>Turns a lost connection into a <see cref="DatabaseConnectionException"/> naming the service.</summary>
    internal async Task<T> Guard<T>(Func<Task<T>> action, CancellationToken cancellationToken)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (
            NpgsqlException ex) when (
                !cancellationToken.IsCancellationRequested && (
                    ex is not PostgresException || ex is PostgresException pg && ConnectionOpener.IsSessionLost(pg)))
        {
            throw _opener.Translate(ex);
        }
        catch (PostgresException ex) when (ex.SqlState is "42501")
        {
            throw new DatabaseConnectionException(
                Redact($"{ServiceName}: permission denied on {Server}: {ex.MessageText}. The database user needs to create and write the " +
                    $"history table {Settings.TableName}."),
                authenticationFailed: true,
                ex.SqlState)
            { Service = ServiceName };
        }
    }

    private static async Task TryRollbackAsync(NpgsqlConnection connection)
    {
        try
        {
            await using var rollback = new NpgsqlCommand("ROLLBACK", connection);
            await rollback.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
        catch (NpgsqlException)
        {
        }
    }

    /// <summary>
    /// Repairs the history (docs/migrations.md, "Repair") in one transaction with an audit row per repair: a Modified
    /// migration gets the checksum and DOWN of its file, a Failed record is removed. Returns the audit events written.
    /// </summary>
    internal async Task<IReadOnlyList<MigrationEvent>> RepairAsync(
        NpgsqlConnection connection,
        IReadOnlyList<(MigrationStatusEntry Entry, PlannedStepKind Kind)> repairs,
        CancellationToken cancellationToken)
    {
        var started = DateTimeOffset.UtcNow;
        var events = new List<MigrationEvent>();
        await Guard(
            async () =>
            {
                await using var batch = new NpgsqlBatch(connection);
                batch.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN"));
                foreach (var (entry, kind) in repairs)
                {
                    string detail;
                    if (kind == PlannedStepKind.AcceptChecksum)
                    {
                        batch.BatchCommands.Add(History.Realign(entry.Migration!));
                        detail = $"checksum {entry.Applied!.Checksum} replaced by {entry.Migration!.Checksum}";
                    }
                    else
                    {
                        batch.BatchCommands.Add(History.Delete(entry.Version));
                        detail = $"Failed record removed ({entry.Detail})";
                    }

                    batch.BatchCommands.Add(History.Log(
                        entry.Version,
                        entry.Name,
                        MigrationDirection.Repair,
                        true,
                        entry.Migration?.Checksum,
                        detail: detail));
                    events.Add(new MigrationEvent
                    {
                        Service = ServiceName,
                        Version = entry.Version,
                        Name = entry.Name,
                        Direction = MigrationDirection.Repair,
                        Succeeded = true,
                        StartedAt = started,
                        Checksum = entry.Migration?.Checksum,
                        Client = History.Client,
                        Detail = detail,
                    });
                }

                batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
                await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                return 0;
            },
            cancellationToken).ConfigureAwait(false);
        return events;
    }
}
