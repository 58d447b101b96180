using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using SharedMigrations.Core.Configuration;
using SharedMigrations.Core.Database;
using SharedMigrations.Core.Errors;
using SharedMigrations.Core.Loading;
using SharedMigrations.Core.Model;
using SharedMigrations.Core.Parsing;
using SharedMigrations.Core.Planning;

namespace SharedMigrations.Core;

/// <summary>
/// The operations on one service: run pending migrations, roll back, status, repair, history, and new files.
/// What the cmdlets call, and what a C# service calls at start-up.
/// </summary>
public sealed partial class MigrationService
{
    private readonly ILogger _logger;

    internal MigrationService(ServiceDatabase database, MigrationLoader loader, ILogger? logger = null)
    {
        Database = database ?? throw new ArgumentNullException(nameof(database));
        Loader = loader ?? throw new ArgumentNullException(nameof(loader));
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The database side: history table, audit log, run lock, applying and reverting one migration.</summary>
    internal ServiceDatabase Database { get; }

    /// <summary>The migration files of the service.</summary>
    internal MigrationLoader Loader { get; }

    /// <summary>The service folder this service was opened from, when it was.</summary>
    public ServiceDefinition? Definition { get; private init; }

    public string ServiceName => Database.ServiceName;

    /// <summary>Opens a service folder's engine: config, connection (with <paramref name="overrides"/>), a pooled data source, loader and database side.</summary>
    public static MigrationService ForService(ServiceDefinition service, ConnectionOverrides? overrides = null) =>
        ForService(service, overrides, null);

    /// <summary>Opens a service folder's engine, logging to <paramref name="logger"/>; <paramref name="getVariable"/> replaces the process environment.</summary>
    public static MigrationService ForService(ServiceDefinition service, ConnectionOverrides? overrides, ILogger? logger, Func<string, string?>? getVariable = null)
    {
        ArgumentNullException.ThrowIfNull(service);
        var connection = ConnectionResolver.Resolve(service, overrides, getVariable);
        var dataSource = DataSources.Get(connection);
        var database = new ServiceDatabase(dataSource, service.Configuration.Migration, service.Name, logger, connection.ConnectRetries, connection.Secrets);
        var loader = new MigrationLoader(service.MigrationsPath, logger, service.Name);
        return new MigrationService(database, loader, logger) { Definition = service, Connection = connection };
    }

    /// <summary>
    /// Opens the engine over a data source the caller owns (from dependency injection, with its own pooling and
    /// credentials), for the migration files in <paramref name="migrationsPath"/>; <paramref name="settings"/> are the
    /// <c>migration:</c> keys of a config (defaults when null). The data source is not disposed by the engine.
    /// </summary>
    public static MigrationService ForDataSource(
        NpgsqlDataSource dataSource, string migrationsPath, string serviceName, MigrationSettings? settings = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentException.ThrowIfNullOrWhiteSpace(migrationsPath);
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceName);
        return new MigrationService(
            new ServiceDatabase(dataSource, settings, serviceName, logger), new MigrationLoader(migrationsPath, logger, serviceName), logger);
    }

    /// <summary>Applies every pending migration (the start-up call).</summary>
    public Task<MigrationRunResult> RunMigrationsAsync(CancellationToken cancellationToken = default) =>
        RunMigrationsAsync(new UpOptions(), cancellationToken);

    /// <summary>Applies pending migrations in version order, under the run lock; refuses (applying nothing) as docs/safety.md says.</summary>
    public async Task<MigrationRunResult> RunMigrationsAsync(UpOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var report = new Reporter(ServiceName, options.Observer, _logger);
        var files = LoadFiles(report);
        var settings = Database.Settings;
        var allowOutOfOrder = options.AllowOutOfOrder || settings.OutOfOrder;

        await using var session = await OpenSessionAsync(options.DryRun, report, cancellationToken).ConfigureAwait(false);
        var plan = MigrationPlanner.PlanUp(files, session.History, options.Target, options.Count, allowOutOfOrder, settings.ChecksumValidation);
        foreach (var entry in plan.Entries.Where(e => e.State == MigrationState.Missing))
        {
            report.Warning($"version {entry.Version} ({entry.Name}) is applied but its file is missing.");
        }

        if (plan.Entries.Any(e => e.State == MigrationState.Modified) && !settings.ChecksumValidation)
        {
            report.Warning("some applied files changed since they were applied; checksum_validation is off, so they are ignored.");
        }

        if (plan.Refusals.Count > 0)
        {
            throw new MigrationRefusedException(ServiceName, plan.Refusals);
        }

        CheckDrift(session.History, report);

        report.Verbose($"{plan.Migrations.Count} migration(s) to apply (current version {session.History.CurrentVersion}, latest file {files.LatestVersion}).");
        var steps = new List<PlannedStep>();
        var needsHistory = !session.History.Exists && plan.Migrations.Count > 0;
        if (needsHistory)
        {
            steps.Add(CreateHistoryStep());
        }

        steps.AddRange(plan.Migrations.Select(m => UpStep(m)));
        var results = new List<MigrationResult>();
        var created = false;
        if (options.DryRun)
        {
            await OfferAllAsync(options, steps, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            long Reached() => results.Where(r => r.Succeeded).Select(r => r.Version).DefaultIfEmpty(0).Max();
            report.AfterFailure = () => results.Any(r => r.Succeeded) ? RecordSchemaAfterFailureAsync(session, Reached(), true, report) : Task.CompletedTask;
            for (var i = 0; i < steps.Count; i++)
            {
                var step = steps[i];
                if (options.Approve is { } approve && !await approve(step, cancellationToken).ConfigureAwait(false))
                {
                    report.Verbose($"stopped before: {step.Description} (declined).");
                    break;
                }

                if (step.Kind == PlannedStepKind.CreateHistory)
                {
                    var watch = Stopwatch.StartNew();
                    await Database.CreateHistoryAsync(await session.ConnectionAsync(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
                    created = true;
                    report.Verbose($"created the history table {settings.TableName} and the audit log {settings.TableName.LogTable} ({watch.ElapsedMilliseconds} ms).");
                    continue;
                }

                var migration = files.Find(step.Version)!;
                results.Add(await RunStepAsync(step, i, steps.Count, report, async () => await Database.ApplyAsync(await session.ConnectionAsync(cancellationToken).ConfigureAwait(false), migration, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false));
            }

            if (results.Any(r => r.Succeeded))
            {
                await RecordSchemaAsync(session, Reached(), true, report, cancellationToken).ConfigureAwait(false);
            }
        }

        var applied = results.Where(r => r.Succeeded).Select(r => r.Version).DefaultIfEmpty(0).Max();
        return new MigrationRunResult
        {
            Service = ServiceName,
            Direction = MigrationDirection.Up,
            Results = results,
            Planned = steps,
            FromVersion = session.History.CurrentVersion,
            ToVersion = Math.Max(session.History.CurrentVersion, applied),
            LockWaited = session.LockWaited,
            DryRun = options.DryRun,
            HistoryCreated = created,
        };
    }

    /// <summary>Rolls back, newest application first: by default the newest one; <c>Target</c> leaves that version as the newest applied (0: all).</summary>
    public async Task<MigrationRunResult> RollbackAsync(DownOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var report = new Reporter(ServiceName, options.Observer, _logger);
        var files = LoadFiles(report);
        var settings = Database.Settings;

        await using var session = await OpenSessionAsync(options.DryRun, report, cancellationToken).ConfigureAwait(false);
        var failed = session.History.Records.Where(r => r.IsFailed).ToArray();
        if (failed.Length > 0)
        {
            throw new MigrationRefusedException(ServiceName, failed.Select(f => new MigrationRefusal(
                RefusalReason.Failed, f.Version, f.Name, files.Find(f.Version)?.FilePath,
                $"version {f.Version} ({f.Name}) is Failed ({f.FailureSummary}); put the database right, then run Repair-MigrationHistory before rolling back.")).ToArray());
        }

        var plan = MigrationPlanner.PlanDown(files, session.History, options.Target, options.Count);
        var recorded = plan.Items.Any(i => i.UsesRecordedDown)
            ? await Database.Guard(async () => await Database.History.ReadDownScriptsAsync(await session.ConnectionAsync(cancellationToken).ConfigureAwait(false), plan.Items.Where(i => i.UsesRecordedDown).Select(i => i.Applied.Version).ToArray(), cancellationToken), cancellationToken).ConfigureAwait(false)
            : new Dictionary<long, string?>();

        // Check every step before running any, so a refusal never leaves a rollback half done.
        var work = new List<(RollbackItem Item, MigrationScript Down, TransactionMode Mode, PlannedStep Step)>();
        foreach (var item in plan.Items)
        {
            var applied = item.Applied;
            var label = item.File?.FileName ?? $"version {applied.Version} ({applied.Name}, file missing)";
            MigrationScript down;
            TransactionMode mode;
            if (item.File is { } file)
            {
                down = file.Down;
                mode = file.Transaction;
            }
            else
            {
                var text = recorded.GetValueOrDefault(applied.Version);
                down = text is null ? MigrationScript.Empty : MigrationScript.FromText(text);
                mode = applied.Transaction;
                report.Verbose($"{label}: the file is gone; rolling back with the DOWN recorded when it was applied.");
            }

            if (settings.RollbackSafety && !options.Force)
            {
                if (item.Modified)
                {
                    throw new RollbackRefusedException(
                        $"{ServiceName}: {label} changed since it was applied, so its DOWN may not undo what was applied. Nothing was rolled back. " +
                        "Restore the file, accept the edit with Repair-MigrationHistory, or pass -Force.",
                        applied.Version, item.File?.FilePath)
                    { Service = ServiceName };
                }

                if (down.IsEmpty)
                {
                    throw new RollbackRefusedException(
                        $"{ServiceName}: {label} has no DOWN statements, so nothing would undo it. Nothing was rolled back. " +
                        "Write its DOWN section, or pass -Force to remove it from the history without running anything.",
                        applied.Version, item.File?.FilePath)
                    { Service = ServiceName };
                }
            }

            var step = new PlannedStep
            {
                Service = ServiceName,
                Kind = PlannedStepKind.Migration,
                Version = applied.Version,
                Name = applied.Name,
                Direction = MigrationDirection.Down,
                FilePath = item.File?.FilePath,
                Transaction = mode,
                Statements = down.Statements.Count,
                Server = Database.Server,
                Description = $"roll back {label} on {Database.Server}: " +
                    (down.IsEmpty ? "no DOWN statements; only its history row is removed" : $"{down.Statements.Count} DOWN statement(s) {(mode == TransactionMode.None ? "one by one outside a transaction" : "in one transaction")}") +
                    (item.UsesRecordedDown ? " (the DOWN recorded at apply time)" : string.Empty),
            };
            work.Add((item, down, mode, step));
        }

        report.Verbose($"{work.Count} migration(s) to roll back (current version {session.History.CurrentVersion}).");
        var results = new List<MigrationResult>();
        if (options.DryRun)
        {
            await OfferAllAsync(options, work.Select(w => w.Step).ToArray(), cancellationToken).ConfigureAwait(false);
        }
        else
        {
            report.AfterFailure = () => results.Any(r => r.Succeeded) ? RecordSchemaAfterFailureAsync(session, Remaining(), true, report) : Task.CompletedTask;
            for (var i = 0; i < work.Count; i++)
            {
                var (item, down, mode, step) = work[i];
                if (options.Approve is { } approve && !await approve(step, cancellationToken).ConfigureAwait(false))
                {
                    report.Verbose($"stopped before: {step.Description} (declined).");
                    break;
                }

                results.Add(await RunStepAsync(step, i, work.Count, report, async () => await Database.RevertAsync(await session.ConnectionAsync(cancellationToken).ConfigureAwait(false), item.Applied, down, mode, item.File, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false));
            }
        }

        long Remaining() => session.History.Records
            .Where(r => !r.IsFailed && !results.Any(x => x.Succeeded && x.Version == r.Version))
            .Select(r => r.Version)
            .DefaultIfEmpty(0)
            .Max();
        var remaining = Remaining();
        if (results.Any(r => r.Succeeded))
        {
            await RecordSchemaAsync(session, remaining, true, report, cancellationToken).ConfigureAwait(false);
        }
        return new MigrationRunResult
        {
            Service = ServiceName,
            Direction = MigrationDirection.Down,
            Results = results,
            Planned = work.Select(w => w.Step).ToArray(),
            FromVersion = session.History.CurrentVersion,
            ToVersion = remaining,
            LockWaited = session.LockWaited,
            DryRun = options.DryRun,
        };
    }

    /// <summary>The state of every migration and of the service, from one read of the history (no lock, read-only).</summary>
    public Task<ServiceStatusReport> GetStatusAsync(CancellationToken cancellationToken = default) =>
        GetStatusAsync(null, cancellationToken);

    /// <summary>The state of every migration and of the service; <paramref name="observer"/> hears each step and its time.</summary>
    public async Task<ServiceStatusReport> GetStatusAsync(MigrationObserver? observer, CancellationToken cancellationToken = default)
    {
        var report = new Reporter(ServiceName, observer, _logger);
        var files = LoadFiles(report);
        var watch = Stopwatch.StartNew();
        var history = await Database.ReadHistoryAsync(cancellationToken).ConfigureAwait(false);
        var entries = MigrationPlanner.Evaluate(files, history);
        var problems = entries
            .Where(e => e.State is MigrationState.Modified or MigrationState.Missing or MigrationState.OutOfOrder or MigrationState.Failed)
            .Select(e => $"{(e.FilePath is null ? $"version {e.Version} ({e.Name})" : Path.GetFileName(e.FilePath))} is {e.State}{(e.Detail is null ? string.Empty : ": " + e.Detail)}")
            .ToArray();
        if (history.Drift is { Drifted: true } drift)
        {
            problems = [.. problems, drift.Describe(ServiceName)[(ServiceName.Length + 2)..]];
        }

        var pending = entries.Count(e => e.State is MigrationState.Pending or MigrationState.OutOfOrder);
        var state = problems.Length > 0 ? ServiceState.Drifted : pending > 0 ? ServiceState.Pending : ServiceState.UpToDate;
        report.Verbose(history.Exists
            ? $"read {history.Records.Count} history row(s) from {Database.Settings.TableName} on {Database.Server} ({watch.ElapsedMilliseconds} ms, read-only, no lock)."
            : $"no history table {Database.Settings.TableName} on {Database.Server} yet ({watch.ElapsedMilliseconds} ms): every migration is Pending.");
        return new ServiceStatusReport
        {
            Service = ServiceName,
            Database = Database.DatabaseName,
            Server = Database.Server,
            CurrentVersion = history.CurrentVersion,
            LatestVersion = files.LatestVersion,
            Pending = pending,
            Problems = problems,
            State = state,
            HistoryExists = history.Exists,
            Entries = entries,
        };
    }

    /// <summary>The status of the service as one row; a database that cannot be reached gives an Unreachable row with the reason instead of an error.</summary>
    public Task<ServiceStatusReport> GetSummaryAsync(CancellationToken cancellationToken = default) =>
        GetSummaryAsync(null, cancellationToken);

    /// <summary>The status of the service as one row (Unreachable instead of a connection error); <paramref name="observer"/> hears each step.</summary>
    public async Task<ServiceStatusReport> GetSummaryAsync(MigrationObserver? observer, CancellationToken cancellationToken = default)
    {
        try
        {
            return await GetStatusAsync(observer, cancellationToken).ConfigureAwait(false);
        }
        catch (DatabaseConnectionException ex)
        {
            long latest;
            try
            {
                latest = Loader.Analyze().LatestVersion;
            }
            catch (IOException)
            {
                latest = 0;
            }

            return ServiceStatusReport.Unreachable(ServiceName, Definition?.DatabaseName, Database.Server, latest, ex.Message);
        }
    }

    /// <summary>Accepts intentional edits (records the files' new checksums) and clears Failed records, in one transaction under the run lock.</summary>
    public async Task<IReadOnlyList<MigrationEvent>> RepairAsync(RepairOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var report = new Reporter(ServiceName, options.Observer, _logger);
        var files = LoadFiles(report);
        await using var session = await OpenSessionAsync(options.DryRun, report, cancellationToken).ConfigureAwait(false);
        var entries = MigrationPlanner.Evaluate(files, session.History);
        var steps = new List<(MigrationStatusEntry Entry, PlannedStep Step)>();
        foreach (var entry in entries)
        {
            var label = entry.FilePath is null ? $"version {entry.Version} ({entry.Name})" : Path.GetFileName(entry.FilePath);
            var repair = entry.State switch
            {
                MigrationState.Modified => (Kind: PlannedStepKind.AcceptChecksum, What: $"accept the edited {label} on {Database.Server}: record its new checksum {entry.Migration!.Checksum} and its DOWN"),
                MigrationState.Failed => (Kind: PlannedStepKind.ClearFailed, What: $"clear the Failed record of {label} on {Database.Server} ({entry.Detail}); it becomes Pending and runs again on the next up"),
                _ => ((PlannedStepKind Kind, string What)?)null,
            };
            if (repair is { } r)
            {
                steps.Add((entry, new PlannedStep
                {
                    Service = ServiceName,
                    Kind = r.Kind,
                    Version = entry.Version,
                    Name = entry.Name,
                    Direction = MigrationDirection.Repair,
                    FilePath = entry.FilePath,
                    Server = Database.Server,
                    Description = r.What,
                }));
            }
        }

        var events = new List<MigrationEvent>();
        if (steps.Count == 0)
        {
            report.Verbose("nothing to repair: no Modified or Failed migration.");
            return events;
        }

        if (options.DryRun)
        {
            await OfferAllAsync(options, steps.Select(s => s.Step).ToArray(), cancellationToken).ConfigureAwait(false);
            return events;
        }

        var approved = new List<(MigrationStatusEntry Entry, PlannedStep Step)>();
        foreach (var step in steps)
        {
            if (options.Approve is null || await options.Approve(step.Step, cancellationToken).ConfigureAwait(false))
            {
                approved.Add(step);
            }
        }

        if (approved.Count == 0)
        {
            return events;
        }

        var connection = await session.ConnectionAsync(cancellationToken).ConfigureAwait(false);
        events.AddRange(await Database.RepairAsync(
            connection, approved.Select(a => (a.Entry, a.Step.Kind)).ToArray(), cancellationToken).ConfigureAwait(false));
        foreach (var e in events)
        {
            report.Verbose($"repaired version {e.Version} ({e.Name}): {e.Detail}.");
        }

        await RecordSchemaAsync(session, session.History.CurrentVersion, false, report, cancellationToken).ConfigureAwait(false);

        return events;
    }

    /// <summary>The audit log: every up, down and repair, with who, when, how long and whether it succeeded.</summary>
    public Task<IReadOnlyList<MigrationEvent>> GetHistoryAsync(CancellationToken cancellationToken = default) =>
        Database.ReadEventsAsync(cancellationToken);

    /// <summary>Writes the next migration file from a template (see <see cref="MigrationFileWriter"/>).</summary>
    public FileInfo CreateMigration(string name, string? description = null, string? template = null) =>
        MigrationFileWriter.Create(
            Loader.MigrationsPath,
            name,
            description,
            template,
            Database.Settings.Versioning,
            ServiceName,
            Definition is null ? null : MigrationFileWriter.TeamTemplatesFolder(Definition));

    private MigrationSet LoadFiles(Reporter report)
    {
        var watch = Stopwatch.StartNew();
        var set = Loader.Load();
        report.Verbose($"loaded {set.Count} migration file(s) from {set.Directory} ({watch.ElapsedMilliseconds} ms).");
        return set;
    }

    private async Task<MigrationResult> RunStepAsync(PlannedStep step, int index, int count, Reporter report, Func<Task<MigrationResult>> run)
    {
        report.Observer?.OnStepStarting(step, index, count);
        var watch = Stopwatch.StartNew();
        try
        {
            var result = await run().ConfigureAwait(false);
            var what = step.FilePath is null ? $"version {step.Version} ({step.Name})" : Path.GetFileName(step.FilePath);
            report.Verbose($"{(step.Direction == MigrationDirection.Down ? "rolled back" : "applied")} {what} ({result.Statements} statement(s), {result.Duration.TotalMilliseconds:0} ms).");
            report.Observer?.OnStepCompleted(result, index, count);
            return result;
        }
        catch (MigrationException ex)
        {
            report.Observer?.OnStepCompleted(
                new MigrationResult
                {
                    Service = ServiceName,
                    Version = step.Version,
                    Name = step.Name,
                    Direction = step.Direction,
                    Duration = watch.Elapsed,
                    Succeeded = false,
                    FilePath = step.FilePath,
                    Transaction = step.Transaction,
                    Statements = step.Statements,
                    Error = ex,
                },
                index,
                count);
            if (report.AfterFailure is { } afterFailure)
            {
                await afterFailure().ConfigureAwait(false);
            }

            throw;
        }
    }

    private static async Task OfferAllAsync(RunOptions options, IReadOnlyList<PlannedStep> steps, CancellationToken cancellationToken)
    {
        if (options.Approve is null)
        {
            return;
        }

        foreach (var step in steps)
        {
            await options.Approve(step, cancellationToken).ConfigureAwait(false);
        }
    }

    private PlannedStep CreateHistoryStep() => new()
    {
        Service = ServiceName,
        Kind = PlannedStepKind.CreateHistory,
        Server = Database.Server,
        Description = $"create the history table {Database.Settings.TableName} and the audit log {Database.Settings.TableName.LogTable} on {Database.Server}",
    };

    private PlannedStep UpStep(Migration migration) => new()
    {
        Service = ServiceName,
        Kind = PlannedStepKind.Migration,
        Version = migration.Version,
        Name = migration.Name,
        Direction = MigrationDirection.Up,
        FilePath = migration.FilePath,
        Transaction = migration.Transaction,
        Statements = migration.Up.Statements.Count,
        Server = Database.Server,
        Migration = migration,
        Description = $"apply {migration.FileName} on {Database.Server}: {migration.Up.Statements.Count} statement(s) " +
            (migration.Transaction == TransactionMode.None ? "one by one outside a transaction (Transaction: none)" : "in one transaction with its history row"),
    };

    private async Task<Session> OpenSessionAsync(bool dryRun, Reporter report, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        Session session;
        if (dryRun)
        {
            // No lock, a read-only session: a dry run changes nothing, not even by waiting in line.
            var (connection, snapshot) = await Database.OpenWithAsync(c => Database.ReadHistoryAsync(c, readOnly: true, cancellationToken), cancellationToken).ConfigureAwait(false);
            session = new Session(Database, null, snapshot, connection);
        }
        else
        {
            // The lock and the state query in one round trip, on the lock's connection.
            var runLock = await Database.AcquireLockAndReadHistoryAsync(holder => report.LockWaiting(holder), cancellationToken).ConfigureAwait(false);
            report.Verbose(runLock.Waited > TimeSpan.Zero
                ? $"took the run lock after waiting {runLock.Waited.TotalSeconds:0.0} s for another run."
                : $"took the run lock ({watch.ElapsedMilliseconds} ms).");
            session = new Session(Database, runLock, runLock.History!, null);
        }

        var history = session.History;
        report.Verbose(history.Exists
            ? $"read {history.Records.Count} history row(s) from {Database.Settings.TableName} ({watch.ElapsedMilliseconds} ms, {(dryRun ? "read-only, no lock" : "under the lock")})."
            : $"no history table {Database.Settings.TableName} yet ({watch.ElapsedMilliseconds} ms).");
        report.Observer?.OnHistoryRead(ServiceName, history);
        return session;
    }

    /// <summary>
    /// A run's lock, the history read under it, and the connection migrations run on — opened only when there is work,
    /// so that a run with nothing to do costs the lock's connection alone (lock and state query, then unlock).
    /// </summary>
    private sealed class Session(ServiceDatabase database, RunLock? runLock, HistorySnapshot history, NpgsqlConnection? connection) : IAsyncDisposable
    {
        private NpgsqlConnection? _connection = connection;

        public HistorySnapshot History { get; } = history;

        public TimeSpan LockWaited => runLock?.Waited ?? TimeSpan.Zero;

        /// <summary>The connection the work runs on (not the lock's: the lock has a dedicated session).</summary>
        public async Task<NpgsqlConnection> ConnectionAsync(CancellationToken cancellationToken) =>
            _connection ??= await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

        public async ValueTask DisposeAsync()
        {
            if (_connection is not null)
            {
                await _connection.DisposeAsync().ConfigureAwait(false);
            }

            if (runLock is not null)
            {
                await runLock.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Sends what a run does to the observer and the logger.</summary>
    private sealed class Reporter(string service, MigrationObserver? observer, ILogger logger)
    {
        public MigrationObserver? Observer => observer;

        /// <summary>Run when a step fails, before its error goes up (records the schema a partly done run leaves).</summary>
        public Func<Task>? AfterFailure { get; set; }

        public void Verbose(string message)
        {
            logger.LogDebug("{Service}: {Message}", service, message);
            observer?.OnVerbose(service, message);
        }

        public void Warning(string message)
        {
            logger.LogWarning("{Service}: {Message}", service, message);
            observer?.OnWarning(service, message);
        }

        public void LockWaiting(RunLockHolder? holder)
        {
            logger.LogInformation("{Service}: waiting for the run lock held by {Holder}.", service, holder?.ToString() ?? "another run");
            observer?.OnLockWaiting(service, holder);
        }
    }
}
