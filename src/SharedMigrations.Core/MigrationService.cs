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

    /// <summary>
    /// Opens a service folder's engine: config, connection (with <paramref name="overrides"/>), a pooled data source, loader and database
    /// side.
    /// </summary>
    public static MigrationService ForService(ServiceDefinition service, ConnectionOverrides? overrides = null) =>
        ForService(service, overrides, null);

    /// <summary>
    /// Opens a service folder's engine, logging to <paramref name="logger"/>; <paramref name="getVariable"/> replaces the process
    /// environment.
    /// </summary>
    public static MigrationService ForService(
        ServiceDefinition service,
        ConnectionOverrides? overrides,
        ILogger? logger,
        Func<string, string?>? getVariable = null)
    {
        ArgumentNullException.ThrowIfNull(service);
        var connection = ConnectionResolver.Resolve(service, overrides, getVariable);
        var dataSource = DataSources.Get(connection);
        var database = new ServiceDatabase(
            dataSource,
            service.Configuration.Migration,
            service.Name,
            logger,
            connection.ConnectRetries,
            connection.Secrets);
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
            new ServiceDatabase(
                dataSource,
                settings,
                serviceName,
                logger), new MigrationLoader(migrationsPath, logger, serviceName), logger);
    }

    /// <summary>Applies every pending migration (the start-up call).</summary>
    public Task<MigrationRunResult> RunMigrationsAsync(CancellationToken cancellationToken = default) =>
        RunMigrationsAsync(new UpOptions(), cancellationToken);

    /// <summary>
    /// Applies pending migrations in version order, under the run lock; refuses (applying nothing) as docs/safety.md says.
    /// </summary>
    public async Task<MigrationRunResult> RunMigrationsAsync(UpOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var report = new Reporter(ServiceName, options.Observer, _logger);
        var files = LoadFiles(options, report);
        await using var session = await OpenSessionAsync(options.DryRun, report, cancellationToken).ConfigureAwait(false);
        var plan = PlanUp(files, session.History, options, report);
        CheckDrift(session.History, report);

        report.Verbose($"{plan.Migrations.Count} migration(s) to apply (current version {session.History.CurrentVersion}, latest " +
            $"file {files.LatestVersion}).");
        var steps = UpSteps(session.History, plan);
        var run = new UpRun(steps);
        if (options.DryRun)
        {
            await OfferAllAsync(options, steps, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await ExecuteUpAsync(session, files, run, options, report, cancellationToken).ConfigureAwait(false);
        }

        return new MigrationRunResult
        {
            Service = ServiceName,
            Direction = MigrationDirection.Up,
            Results = run.Results,
            Planned = steps,
            FromVersion = session.History.CurrentVersion,
            ToVersion = Math.Max(session.History.CurrentVersion, run.Reached),
            LockWaited = session.LockWaited,
            DryRun = options.DryRun,
            HistoryCreated = run.HistoryCreated,
            StoppedBefore = run.StoppedBefore,
        };
    }

    /// <summary>
    /// The steps <see cref="RunMigrationsAsync(UpOptions, CancellationToken)"/> would take now (as DbUp's GetScriptsToExecute),
    /// from one read-only read of the history: no lock, nothing changed, not even the history table created. Throws what
    /// the run would refuse with (<see cref="MigrationRefusedException"/>, a schema drift under migration.on_drift: refuse).
    /// <see cref="RunOptions.DryRun"/> and <see cref="RunOptions.Approve"/> of <paramref name="options"/> are not used.
    /// </summary>
    public async Task<IReadOnlyList<PlannedStep>> PlanUpAsync(UpOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new UpOptions();
        var report = new Reporter(ServiceName, options.Observer, _logger);
        var files = LoadFiles(options, report);
        await using var session = await OpenSessionAsync(dryRun: true, report, cancellationToken).ConfigureAwait(false);
        var plan = PlanUp(files, session.History, options, report);
        CheckDrift(session.History, report);
        return UpSteps(session.History, plan);
    }

    /// <summary>
    /// Rolls back, newest application first: by default the newest one; <c>Target</c> leaves that version as the newest applied (0: all).
    /// </summary>
    public async Task<MigrationRunResult> RollbackAsync(DownOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var report = new Reporter(ServiceName, options.Observer, _logger);
        var files = LoadFiles(options, report);
        await using var session = await OpenSessionAsync(options.DryRun, report, cancellationToken).ConfigureAwait(false);
        var plan = await PlanDownAsync(session, files, options, report, cancellationToken).ConfigureAwait(false);

        report.Verbose($"{plan.Steps.Count} migration(s) to roll back (current version {session.History.CurrentVersion}).");
        var results = new List<MigrationResult>();
        long Remaining() => session.History.Records
            .Where(r => !r.IsFailed && !results.Any(x => x.Succeeded && x.Version == r.Version))
            .Select(r => r.Version)
            .DefaultIfEmpty(0)
            .Max();
        if (options.DryRun)
        {
            await OfferAllAsync(options, plan.Steps.Select(w => w.Step).ToArray(), cancellationToken).ConfigureAwait(false);
        }
        else
        {
            report.AfterFailure = () => results.Any(r => r.Succeeded) ? RecordSchemaAfterFailureAsync(
                session,
                Remaining(),
                true,
                report) : Task.CompletedTask;
            await ExecuteDownAsync(session, plan, results, options, report, cancellationToken).ConfigureAwait(false);
        }

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
            Planned = plan.Steps.Select(w => w.Step).ToArray(),
            FromVersion = session.History.CurrentVersion,
            ToVersion = remaining,
            LockWaited = session.LockWaited,
            DryRun = options.DryRun,
        };
    }

    /// <summary>
    /// The steps <see cref="RollbackAsync"/> would take now, newest application first, from one read-only read of the history
    /// (no lock, nothing changed); throws what the rollback would refuse with (<see cref="MigrationRefusedException"/>,
    /// <see cref="RollbackRefusedException"/>). What a fleet checks against the services that depend on this one before it
    /// rolls anything back. <see cref="RunOptions.DryRun"/> and <see cref="RunOptions.Approve"/> of <paramref name="options"/>
    /// are not used.
    /// </summary>
    public async Task<IReadOnlyList<PlannedStep>> PlanRollbackAsync(DownOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var report = new Reporter(ServiceName, options.Observer, _logger);
        var files = LoadFiles(options, report);
        await using var session = await OpenSessionAsync(dryRun: true, report, cancellationToken).ConfigureAwait(false);
        var plan = await PlanDownAsync(session, files, options, report, cancellationToken).ConfigureAwait(false);
        return plan.Steps.Select(s => s.Step).ToArray();
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
            .Select(e => $"{(e.FilePath is null ? $"version {e.Version} ({e.Name})" : Path.GetFileName(e.FilePath))} " +
                $"is {e.State}{(e.Detail is null ? string.Empty : ": " + e.Detail)}")
            .ToArray();
        if (history.Drift is { Drifted: true } drift)
        {
            problems = [.. problems, drift.Describe(ServiceName)[(ServiceName.Length + 2)..]];
        }

        var pending = entries.Count(e => e.State is MigrationState.Pending or MigrationState.OutOfOrder);
        var state = problems.Length > 0 ? ServiceState.Drifted : pending > 0 ? ServiceState.Pending : ServiceState.UpToDate;
        report.Verbose(history.Exists
            ? $"read {history.Records.Count} history row(s) from {Database.Settings.TableName} on {Database.Server} " +
                $"({watch.ElapsedMilliseconds} ms, read-only, no lock)."
            : $"no history table {Database.Settings.TableName} on {Database.Server} yet ({watch.ElapsedMilliseconds} ms): every " +
                $"migration is Pending.");
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

    /// <summary>
    /// The status of the service as one row; a database that cannot be reached gives an Unreachable row with the reason instead of an
    /// error.
    /// </summary>
    public Task<ServiceStatusReport> GetSummaryAsync(CancellationToken cancellationToken = default) =>
        GetSummaryAsync(null, cancellationToken);

    /// <summary>
    /// The status of the service as one row (Unreachable instead of a connection error); <paramref name="observer"/> hears each step.
    /// </summary>
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

    /// <summary>
    /// Accepts intentional edits (records the files' new checksums) and clears Failed records, in one transaction under the run lock.
    /// </summary>
    public async Task<IReadOnlyList<MigrationEvent>> RepairAsync(RepairOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var report = new Reporter(ServiceName, options.Observer, _logger);
        var files = LoadFiles(options, report);
        await using var session = await OpenSessionAsync(options.DryRun, report, cancellationToken).ConfigureAwait(false);
        var steps = MigrationPlanner.PlanRepair(files, session.History, Target);
        if (steps.Count == 0)
        {
            report.Verbose("nothing to repair: no Modified or Failed migration.");
            return Array.Empty<MigrationEvent>();
        }

        if (options.DryRun)
        {
            await OfferAllAsync(options, steps.Select(s => s.Step).ToArray(), cancellationToken).ConfigureAwait(false);
            return Array.Empty<MigrationEvent>();
        }

        var approved = new List<RepairStep>();
        foreach (var step in steps)
        {
            if (options.Approve is null || await options.Approve(step.Step, cancellationToken).ConfigureAwait(false))
            {
                approved.Add(step);
            }
        }

        if (approved.Count == 0)
        {
            return Array.Empty<MigrationEvent>();
        }

        var events = await Database.RepairAsync(
            session,
            approved.Select(a => (a.Entry, a.Step.Kind)).ToArray(),
            cancellationToken).ConfigureAwait(false);
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

    private MigrationSet LoadFiles(RunOptions options, Reporter report)
    {
        if (options.Files is { } loaded)
        {
            // A fleet run loaded the folder once, while planning, and hands the set over.
            report.Verbose($"loaded {loaded.Count} migration file(s) from {loaded.Directory} " +
                $"({options.FilesLoadTime.TotalMilliseconds:0} ms).");
            return loaded;
        }

        return LoadFiles(report);
    }

    private MigrationSet LoadFiles(Reporter report)
    {
        var watch = Stopwatch.StartNew();
        var set = Loader.Load();
        report.Verbose($"loaded {set.Count} migration file(s) from {set.Directory} ({watch.ElapsedMilliseconds} ms).");
        return set;
    }

    private async Task<MigrationResult> RunStepAsync(
        PlannedStep step,
        int index,
        int count,
        Reporter report,
        Func<Task<MigrationResult>> run)
    {
        report.Observer?.OnStepStarting(step, index, count);
        var watch = Stopwatch.StartNew();
        try
        {
            var result = await run().ConfigureAwait(false);
            var what = step.FilePath is null ? $"version {step.Version} ({step.Name})" : Path.GetFileName(step.FilePath);
            report.Verbose($"{(step.Direction == MigrationDirection.Down ? "rolled back" : "applied")} {what} ({result.Statements} " +
                $"statement(s), {result.Duration.TotalMilliseconds:0} ms).");
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

    private async Task<RunSession> OpenSessionAsync(bool dryRun, Reporter report, CancellationToken cancellationToken)
    {
        // A dry run takes no lock and reads on a read-only session: it changes nothing, not even by waiting in line.
        var watch = Stopwatch.StartNew();
        var session = await Database.OpenRunSessionAsync(
            dryRun,
            holder => report.LockWaiting(holder),
            cancellationToken).ConfigureAwait(false);
        if (!dryRun)
        {
            report.Verbose(session.LockWaited > TimeSpan.Zero
                ? $"took the run lock after waiting {session.LockWaited.TotalSeconds:0.0} s for another run."
                : $"took the run lock ({watch.ElapsedMilliseconds} ms).");
        }

        var history = session.History;
        report.Verbose(history.Exists
            ? $"read {history.Records.Count} history row(s) from {Database.Settings.TableName} ({watch.ElapsedMilliseconds} " +
                $"ms, {(dryRun ? "read-only, no lock" : "under the lock")})."
            : $"no history table {Database.Settings.TableName} yet ({watch.ElapsedMilliseconds} ms).");
        report.Observer?.OnHistoryRead(ServiceName, history);
        return session;
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
