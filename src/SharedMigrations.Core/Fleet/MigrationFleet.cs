using System.Collections.Concurrent;
using SharedMigrations.Core.Database;
using SharedMigrations.Core.Diagnostics;
using SharedMigrations.Core.Errors;
using SharedMigrations.Core.Loading;
using SharedMigrations.Core.Model;
using SharedMigrations.Core.Planning;

namespace SharedMigrations.Core.Fleet;

/// <summary>
/// Many services as one run (docs/fleet.md): a plan over all of them before anything runs (files loaded, dependencies resolved,
/// cycles refused), then independent services in parallel up to a throttle, each strictly in version order, with
/// <c>depends_on</c> and <c>-- Requires:</c> ordering the work across services. One service's failure stops only what depends on it.
/// </summary>
public sealed class MigrationFleet
{
    /// <summary>Services worked on at the same time unless told otherwise.</summary>
    public const int DefaultThrottleLimit = 8;

    private static readonly TimeSpan FirstPoll = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LongestPoll = TimeSpan.FromSeconds(10);

    private readonly IReadOnlyList<MigrationService> _services;
    private readonly Func<ServiceDefinition, MigrationService> _openOutside;

    /// <param name="services">The services of the run, each once.</param>
    /// <param name="openOutside">Opens a service outside the run that a service of the run names (default: from its own folder and config).</param>
    public MigrationFleet(IReadOnlyList<MigrationService> services, Func<ServiceDefinition, MigrationService>? openOutside = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        _services = services;
        _openOutside = openOutside ?? (definition => MigrationService.ForService(definition));
    }

    /// <summary>Checks the plan without running anything: every dependency resolves and none goes in a circle.</summary>
    public void Validate() => FleetGraph.Build(_services, _openOutside);

    /// <summary>Applies pending migrations of every service in dependency order, independent services in parallel.</summary>
    /// <exception cref="DependencyException">A cycle or an unknown service, found before anything ran.</exception>
    public async Task<FleetResult> UpAsync(FleetUpOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var graph = FleetGraph.Build(_services, _openOutside);
        var progress = graph.Members.ToDictionary(m => m, _ => new ServiceProgress());
        var places = new SemaphoreSlim(Math.Max(1, options.ThrottleLimit));
        var outcomes = new ConcurrentDictionary<FleetMember, FleetServiceOutcome>();
        var satisfied = new ConcurrentDictionary<(string, long), bool>();
        var observer = options.Observer ?? new FleetObserver();

        async Task RunAsync(FleetMember member)
        {
            var mine = progress[member];
            FleetServiceOutcome outcome;
            ProgressObserver? recorder = null;
            try
            {
                if (member.LoadError is { } loadError)
                {
                    throw loadError;
                }

                foreach (var dependency in member.DependsOnInRun)
                {
                    if (!progress[dependency].Completion.IsCompleted)
                    {
                        observer.OnServiceWaiting(member.Engine, $"depends_on {dependency.Name}: waiting for its migrations to finish");
                    }

                    if (!await progress[dependency].Completion.WaitAsync(cancellationToken).ConfigureAwait(false))
                    {
                        throw Skipped(member, $"it depends on {dependency.Name} (service.depends_on), which {FailureWord(outcomes, dependency)}");
                    }
                }

                foreach (var outside in member.DependsOnOutside)
                {
                    await WaitForOutsideServiceAsync(member, outside, options, observer, cancellationToken).ConfigureAwait(false);
                }

                using var place = await ThrottlePlace.TakeAsync(places, cancellationToken).ConfigureAwait(false);
                observer.OnServiceStarted(member.Engine);
                FaultInjection.At(FaultPoint.Worker, member.Name);
                recorder = new ProgressObserver(observer.ForService(member.Engine), mine, member.Name, MigrationDirection.Up);
                var result = await member.Engine.RunMigrationsAsync(
                    new UpOptions
                    {
                        Target = options.Target,
                        Count = options.Count,
                        AllowOutOfOrder = options.AllowOutOfOrder,
                        DryRun = options.DryRun,
                        Observer = recorder,
                        Approve = async (step, token) =>
                        {
                            if (step.Migration is { } migration && member.Requirements.TryGetValue(migration.Version, out var requirements))
                            {
                                foreach (var requirement in requirements)
                                {
                                    await SatisfyAsync(member, requirement, place, token).ConfigureAwait(false);
                                }
                            }

                            return options.Approve is null || await options.Approve(step, token).ConfigureAwait(false);
                        },
                    },
                    cancellationToken).ConfigureAwait(false);
                FaultInjection.At(FaultPoint.Continuation, member.Name);
                mine.Advance(result.ToVersion);
                outcome = new FleetServiceOutcome { Service = member.Engine, State = FleetServiceState.Succeeded, Result = result };
            }
            catch (MigrationException ex)
            {
                outcome = new FleetServiceOutcome
                {
                    Service = member.Engine,
                    State = ex is DependencyException { Problem: DependencyProblem.Failed } ? FleetServiceState.Skipped : FleetServiceState.Failed,
                    Result = recorder?.Partial(),
                    Error = ex,
                };
            }
            catch (OperationCanceledException)
            {
                // Cancellation (Ctrl+C, or the pipeline stopped): the services waiting on this one must not wait forever.
                mine.Finish(false);
                throw;
            }
            catch (Exception ex)
            {
                // Anything else (a defect, a prompt that cannot be shown, the runtime failing) fails this service only, named.
                outcome = new FleetServiceOutcome
                {
                    Service = member.Engine,
                    State = FleetServiceState.Failed,
                    Result = recorder?.Partial(),
                    Error = new UnexpectedErrorException(member.Name, ex),
                };
            }

            outcomes[member] = outcome;
            mine.Finish(outcome.State == FleetServiceState.Succeeded);
            observer.OnServiceFinished(outcome);
        }

        async Task SatisfyAsync(FleetMember member, ResolvedRequirement requirement, ThrottlePlace place, CancellationToken token)
        {
            var required = requirement.Requirement;
            var key = (required.Service.ToLowerInvariant(), required.Version);
            if (satisfied.ContainsKey(key))
            {
                return;
            }

            if (requirement.InRun is { } other)
            {
                if (options.DryRun)
                {
                    return; // nothing runs; the order is what the plan says
                }

                var otherProgress = progress[other];
                if (otherProgress.Current < required.Version)
                {
                    observer.OnServiceWaiting(member.Engine, $"{requirement.Migration.FileName} requires {required}: waiting for {other.Name}");
                }

                var reached = await place.WhileWaitingAsync(() => otherProgress.WaitForVersionAsync(required.Version, token), token).ConfigureAwait(false);
                if (!reached)
                {
                    var why = outcomes.TryGetValue(other, out var otherOutcome) && otherOutcome.State != FleetServiceState.Succeeded
                        ? $"{other.Name} {FailureWord(outcomes, other)}"
                        : $"{other.Name} stopped at version {Math.Max(0, otherProgress.Current)} in this run";
                    throw Skipped(member, $"{requirement.Migration.FileName} line {required.Line} requires {required}, but {why}", requirement.Migration.FilePath, required.Line);
                }
            }
            else
            {
                await WaitForOutsideVersionAsync(member, requirement, options, observer, place, token).ConfigureAwait(false);
            }

            satisfied[key] = true;
        }

        var tasks = graph.Order.Select(m => Task.Run(() => RunAsync(m), cancellationToken)).ToArray();
        await Task.WhenAll(tasks).ConfigureAwait(false);
        return new FleetResult { Services = graph.Members.Select(m => outcomes[m]).ToArray() };
    }

    /// <summary>
    /// Rolls back every service, dependants first (the graph walked the other way). A service is not rolled back below a
    /// version that an applied migration of another service requires, unless <see cref="FleetDownOptions.Force"/>.
    /// </summary>
    public async Task<FleetResult> DownAsync(FleetDownOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var graph = FleetGraph.Build(_services, _openOutside);
        var done = graph.Members.ToDictionary(m => m, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        var places = new SemaphoreSlim(Math.Max(1, options.ThrottleLimit));
        var outcomes = new ConcurrentDictionary<FleetMember, FleetServiceOutcome>();
        var observer = options.Observer ?? new FleetObserver();

        async Task RunAsync(FleetMember member)
        {
            FleetServiceOutcome outcome;
            ProgressObserver? recorder = null;
            try
            {
                foreach (var dependant in member.Dependants)
                {
                    if (!done[dependant].Task.IsCompleted)
                    {
                        observer.OnServiceWaiting(member.Engine, $"waiting for {dependant.Name}, which depends on it, to roll back first");
                    }

                    await done[dependant].Task.WaitAsync(cancellationToken).ConfigureAwait(false);
                }

                if (member.LoadError is { } loadError)
                {
                    throw loadError;
                }

                using var place = await ThrottlePlace.TakeAsync(places, cancellationToken).ConfigureAwait(false);
                observer.OnServiceStarted(member.Engine);
                FaultInjection.At(FaultPoint.Worker, member.Name);
                var dependants = options.Force ? null : FindDependants(member, graph);
                if (dependants is not null)
                {
                    // Plan first (read-only) so that a blocked step refuses the whole rollback before anything runs.
                    var planned = new List<PlannedStep>();
                    await member.Engine.RollbackAsync(
                        new DownOptions
                        {
                            Target = options.Target,
                            Count = options.Count,
                            DryRun = true,
                            Approve = (step, _) =>
                            {
                                planned.Add(step);
                                return ValueTask.FromResult(false);
                            },
                        },
                        cancellationToken).ConfigureAwait(false);
                    await CheckDependantsAsync(member, planned, dependants, cancellationToken).ConfigureAwait(false);
                }

                recorder = new ProgressObserver(observer.ForService(member.Engine), null, member.Name, MigrationDirection.Down);
                var result = await member.Engine.RollbackAsync(
                    new DownOptions
                    {
                        Target = options.Target,
                        Count = options.Count,
                        Force = options.Force,
                        DryRun = options.DryRun,
                        Approve = options.Approve,
                        Observer = recorder,
                    },
                    cancellationToken).ConfigureAwait(false);
                FaultInjection.At(FaultPoint.Continuation, member.Name);
                outcome = new FleetServiceOutcome { Service = member.Engine, State = FleetServiceState.Succeeded, Result = result };
            }
            catch (MigrationException ex)
            {
                outcome = new FleetServiceOutcome { Service = member.Engine, State = FleetServiceState.Failed, Result = recorder?.Partial(), Error = ex };
            }
            catch (OperationCanceledException)
            {
                done[member].TrySetResult();
                throw;
            }
            catch (Exception ex)
            {
                // A defect or the runtime failing: this service fails, named; the others go on.
                var error = new UnexpectedErrorException(member.Name, ex);
                outcome = new FleetServiceOutcome { Service = member.Engine, State = FleetServiceState.Failed, Result = recorder?.Partial(), Error = error };
            }

            outcomes[member] = outcome;
            done[member].TrySetResult();
            observer.OnServiceFinished(outcome);
        }

        var tasks = graph.Order.Reverse().Select(m => Task.Run(() => RunAsync(m), cancellationToken)).ToArray();
        await Task.WhenAll(tasks).ConfigureAwait(false);
        return new FleetResult { Services = graph.Members.Select(m => outcomes[m]).ToArray() };
    }

    /// <summary>
    /// Reads the status of every service, in parallel up to <paramref name="throttleLimit"/>, and hands each report over as
    /// soon as it is known. With <paramref name="summary"/> a database that cannot be reached is an Unreachable report, not an error.
    /// </summary>
    public Task StatusAsync(
        bool summary,
        int throttleLimit,
        Action<MigrationService, ServiceStatusReport> onReport,
        Action<MigrationService, MigrationException> onError,
        CancellationToken cancellationToken = default,
        FleetObserver? observer = null) =>
        Parallel.ForEachAsync(
            _services,
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, throttleLimit), CancellationToken = cancellationToken },
            async (service, token) =>
            {
                observer?.OnServiceStarted(service);
                var serviceObserver = observer?.ForService(service);
                try
                {
                    FaultInjection.At(FaultPoint.Worker, service.ServiceName);
                    var report = summary
                        ? await service.GetSummaryAsync(serviceObserver, token).ConfigureAwait(false)
                        : await service.GetStatusAsync(serviceObserver, token).ConfigureAwait(false);
                    FaultInjection.At(FaultPoint.Continuation, service.ServiceName);
                    onReport(service, report);
                    observer?.OnServiceFinished(new FleetServiceOutcome { Service = service, State = FleetServiceState.Succeeded });
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // An engine error keeps its id; anything else is this service's UnexpectedError, and the other services go on.
                    onError(service, UnexpectedErrorException.From(service.ServiceName, ex));
                    observer?.OnServiceFinished(new FleetServiceOutcome { Service = service, State = FleetServiceState.Failed });
                }
            });

    private static async Task WaitForOutsideServiceAsync(FleetMember member, OutsideService outside, FleetUpOptions options, FleetObserver observer, CancellationToken cancellationToken)
    {
        await PollAsync(
            member,
            observer,
            options,
            $"service.depends_on {outside.Name} (outside this run, {outside.Definition.Path})",
            async token =>
            {
                var status = await outside.Engine.GetStatusAsync(token).ConfigureAwait(false);
                return (status.Pending == 0, status.Pending == 0 ? null : $"{outside.Name} has {status.Pending} pending migration(s) (at version {status.CurrentVersion} of {status.LatestVersion})");
            },
            member.Definition?.ConfigPath,
            null,
            cancellationToken).ConfigureAwait(false);
    }

    private static async Task WaitForOutsideVersionAsync(FleetMember member, ResolvedRequirement requirement, FleetUpOptions options, FleetObserver observer, ThrottlePlace place, CancellationToken cancellationToken)
    {
        var outside = requirement.Outside!;
        var required = requirement.Requirement;
        await place.WhileWaitingAsync(
            async () =>
            {
                await PollAsync(
                    member,
                    observer,
                    options,
                    $"{requirement.Migration.FileName} line {required.Line} requires {required} (outside this run, {outside.Definition.Path})",
                    async token =>
                    {
                        var history = await outside.Engine.Database.ReadHistoryAsync(token).ConfigureAwait(false);
                        return (history.CurrentVersion >= required.Version, $"{outside.Name} is at version {history.CurrentVersion}");
                    },
                    requirement.Migration.FilePath,
                    required.Line,
                    cancellationToken).ConfigureAwait(false);
                return true;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Checks a condition on another service; with -WaitForDependency polls it with backoff until it holds or the time is up.</summary>
    private static async Task PollAsync(
        FleetMember member,
        FleetObserver observer,
        FleetUpOptions options,
        string what,
        Func<CancellationToken, Task<(bool Ok, string? State)>> check,
        string? filePath,
        int? line,
        CancellationToken cancellationToken)
    {
        var deadline = options.WaitForDependency is { } wait && !options.DryRun ? DateTimeOffset.UtcNow + wait : (DateTimeOffset?)null;
        var delay = FirstPoll;
        var told = false;
        while (true)
        {
            (bool Ok, string? State) answer;
            try
            {
                answer = await check(cancellationToken).ConfigureAwait(false);
            }
            catch (DatabaseConnectionException ex) when (deadline is not null && DateTimeOffset.UtcNow < deadline)
            {
                answer = (false, ex.Message);
            }

            if (answer.Ok)
            {
                return;
            }

            if (deadline is null || DateTimeOffset.UtcNow >= deadline)
            {
                var waited = deadline is null ? "Pass -WaitForDependency <time> to wait for it." : $"Waited {options.WaitForDependency!.Value.TotalSeconds:0} s (-WaitForDependency).";
                throw new DependencyException(
                    $"{member.Name}: {what}, but {answer.State}. {member.Name} was not migrated past this point. {waited}",
                    DependencyProblem.NotSatisfied,
                    filePath,
                    line)
                { Service = member.Name };
            }

            if (!told)
            {
                told = true;
                observer.OnServiceWaiting(member.Engine, $"{what}: {answer.State}; polling until {deadline:HH:mm:ss} UTC");
            }

            var remaining = deadline.Value - DateTimeOffset.UtcNow;
            await Task.Delay(delay < remaining ? delay : remaining, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, LongestPoll.Ticks));
        }
    }

    /// <summary>The services (of the run, and beside each service's folder) whose migrations require this one, with their files.</summary>
    private static List<(string Name, MigrationSet Files, Func<CancellationToken, Task<HistorySnapshot>> History)> FindDependants(
        FleetMember member, FleetGraph graph)
    {
        var result = new List<(string, MigrationSet, Func<CancellationToken, Task<HistorySnapshot>>)>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { member.Name };
        foreach (var other in graph.Members.Where(m => m != member && m.Files is not null))
        {
            if (other.Files!.Migrations.Any(m => m.Requires.Any(r => string.Equals(r.Service, member.Name, StringComparison.OrdinalIgnoreCase))))
            {
                seen.Add(other.Name);
                var engine = other.Engine;
                result.Add((other.Name, other.Files, token => engine.Database.ReadHistoryAsync(token)));
            }
            else
            {
                seen.Add(other.Name);
            }
        }

        var parent = member.Definition is { } definition ? Path.GetDirectoryName(definition.Path) : null;
        if (parent is null)
        {
            return result;
        }

        string[] folders;
        try
        {
            folders = ServiceDiscovery.FindServiceFolders(parent).ToArray();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or MigrationException)
        {
            return result;
        }

        foreach (var folder in folders)
        {
            ServiceDefinition sibling;
            MigrationSet files;
            try
            {
                sibling = ServiceDiscovery.Open(folder);
                if (seen.Contains(sibling.Name))
                {
                    continue;
                }

                files = new MigrationLoader(sibling.MigrationsPath).Analyze();
            }
            catch (MigrationException)
            {
                continue;
            }

            if (files.Migrations.Any(m => m.Requires.Any(r => string.Equals(r.Service, member.Name, StringComparison.OrdinalIgnoreCase))))
            {
                seen.Add(sibling.Name);
                var engine = new Lazy<MigrationService>(() => MigrationService.ForService(sibling));
                result.Add((sibling.Name, files, token => engine.Value.Database.ReadHistoryAsync(token)));
            }
        }

        return result;
    }

    private static async Task CheckDependantsAsync(
        FleetMember member,
        IReadOnlyList<PlannedStep> planned,
        List<(string Name, MigrationSet Files, Func<CancellationToken, Task<HistorySnapshot>> History)> dependants,
        CancellationToken cancellationToken)
    {
        if (planned.Count == 0 || dependants.Count == 0)
        {
            return;
        }

        var lowest = planned.Min(p => p.Version);
        foreach (var (name, files, readHistory) in dependants)
        {
            var requiring = files.Migrations
                .SelectMany(m => m.Requires.Where(r => string.Equals(r.Service, member.Name, StringComparison.OrdinalIgnoreCase) && r.Version >= lowest).Select(r => (Migration: m, Requirement: r)))
                .ToArray();
            if (requiring.Length == 0)
            {
                continue;
            }

            HistorySnapshot history;
            try
            {
                history = await readHistory(cancellationToken).ConfigureAwait(false);
            }
            catch (MigrationException ex) when (ex is not DependencyException)
            {
                throw new DependencyException(
                    $"{member.Name}: cannot check whether {name} still needs it ({ex.Message}). Nothing was rolled back; pass -Force to roll back without this check.",
                    DependencyProblem.RollbackBlocked)
                { Service = member.Name };
            }

            foreach (var (migration, requirement) in requiring)
            {
                if (history.Find(migration.Version) is { IsFailed: false })
                {
                    throw new DependencyException(
                        $"{member.Name}: rolling back to below version {requirement.Version} would break {name}, whose applied {migration.FileName} requires {requirement} (line {requirement.Line}). " +
                        $"Nothing was rolled back; roll back {name} first (or in the same run), or pass -Force.",
                        DependencyProblem.RollbackBlocked,
                        migration.FilePath,
                        requirement.Line)
                    { Service = member.Name };
                }
            }
        }
    }

    private static DependencyException Skipped(FleetMember member, string reason, string? filePath = null, int? line = null) =>
        new($"{member.Name}: skipped: {reason}. Fix that service, then run this one again.", DependencyProblem.Failed, filePath, line) { Service = member.Name };

    private static string FailureWord(ConcurrentDictionary<FleetMember, FleetServiceOutcome> outcomes, FleetMember other) =>
        outcomes.TryGetValue(other, out var outcome) && outcome.State == FleetServiceState.Skipped ? "was skipped" : "failed";

    /// <summary>
    /// Passes events on to the caller's observer, keeps a service's progress current for the services waiting on it, and
    /// records what ran, so that a service that fails part way still reports where it started and what it applied.
    /// </summary>
    private sealed class ProgressObserver(MigrationObserver? inner, ServiceProgress? progress, string service, MigrationDirection direction) : MigrationObserver
    {
        private readonly List<MigrationResult> _results = new();
        private long? _from;

        public override void OnVerbose(string name, string message) => inner?.OnVerbose(name, message);

        public override void OnWarning(string name, string message) => inner?.OnWarning(name, message);

        public override void OnLockWaiting(string name, RunLockHolder? holder) => inner?.OnLockWaiting(name, holder);

        public override void OnHistoryRead(string name, HistorySnapshot history)
        {
            _from = history.CurrentVersion;
            progress?.Advance(history.CurrentVersion);
            inner?.OnHistoryRead(name, history);
        }

        public override void OnStepStarting(PlannedStep step, int index, int count) => inner?.OnStepStarting(step, index, count);

        public override void OnStepCompleted(MigrationResult result, int index, int count)
        {
            lock (_results)
            {
                _results.Add(result);
            }

            if (result.Succeeded && result.Direction == MigrationDirection.Up)
            {
                progress?.Advance(result.Version);
            }

            inner?.OnStepCompleted(result, index, count);
        }

        /// <summary>What ran before the service failed (null when it failed before reading its history).</summary>
        public MigrationRunResult? Partial()
        {
            if (_from is not { } from)
            {
                return null;
            }

            MigrationResult[] results;
            lock (_results)
            {
                results = _results.ToArray();
            }

            var applied = results.Where(r => r.Succeeded).Select(r => r.Version).ToArray();
            return new MigrationRunResult
            {
                Service = service,
                Direction = direction,
                Results = results,
                Planned = Array.Empty<PlannedStep>(),
                FromVersion = from,
                ToVersion = direction == MigrationDirection.Up
                    ? applied.Append(from).Max()
                    : applied.Length == 0 ? from : Math.Min(from, applied.Min() - 1),
            };
        }
    }
}
