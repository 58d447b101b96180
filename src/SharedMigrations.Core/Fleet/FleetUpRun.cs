using System.Collections.Concurrent;
using SharedMigrations.Core.Diagnostics;
using SharedMigrations.Core.Errors;
using SharedMigrations.Core.Model;
using SharedMigrations.Core.Planning;

namespace SharedMigrations.Core.Fleet;

/// <summary>
/// One <c>up</c> over a fleet: each service waits for what it depends on, takes a throttle place, and runs its plan; a
/// migration that requires another service's version pauses the run before it (the run lock given back), waits for that
/// version in a step of its own, then the run goes on.
/// </summary>
internal sealed class FleetUpRun
{
    private readonly FleetGraph _graph;
    private readonly FleetUpOptions _options;
    private readonly FleetObserver _observer;
    private readonly CancellationToken _cancellationToken;
    private readonly Dictionary<FleetMember, ServiceProgress> _progress;
    private readonly SemaphoreSlim _places;
    private readonly ConcurrentDictionary<FleetMember, FleetServiceOutcome> _outcomes = new();
    private readonly ConcurrentDictionary<(string, long), bool> _satisfied = new();

    public FleetUpRun(FleetGraph graph, FleetUpOptions options, CancellationToken cancellationToken)
    {
        _graph = graph;
        _options = options;
        _observer = options.Observer ?? new FleetObserver();
        _cancellationToken = cancellationToken;
        _progress = graph.Members.ToDictionary(m => m, _ => new ServiceProgress());
        _places = new SemaphoreSlim(Math.Max(1, options.ThrottleLimit));
    }

    public async Task<FleetResult> RunAsync()
    {
        var tasks = _graph.Order.Select(m => Task.Run(() => RunServiceAsync(m), _cancellationToken)).ToArray();
        await Task.WhenAll(tasks).ConfigureAwait(false);
        return new FleetResult { Services = _graph.Members.Select(m => _outcomes[m]).ToArray() };
    }

    private async Task RunServiceAsync(FleetMember member)
    {
        var mine = _progress[member];
        FleetServiceOutcome outcome;
        FleetProgressObserver? recorder = null;
        try
        {
            if (member.LoadError is { } loadError)
            {
                throw loadError;
            }

            await WaitForDependenciesAsync(member).ConfigureAwait(false);
            using var place = await ThrottlePlace.TakeAsync(_places, _cancellationToken).ConfigureAwait(false);
            _observer.OnServiceStarted(member.Engine);
            FaultInjection.At(FaultPoint.Worker, member.Name);
            recorder = new FleetProgressObserver(_observer.ForService(member.Engine), mine, member.Name, MigrationDirection.Up);
            var result = _options.DryRun
                ? await DryRunAsync(member, place, recorder).ConfigureAwait(false)
                : await MigrateAsync(member, place, recorder).ConfigureAwait(false);
            FaultInjection.At(FaultPoint.Continuation, member.Name);
            mine.Advance(result.ToVersion);
            outcome = new FleetServiceOutcome { Service = member.Engine, State = FleetServiceState.Succeeded, Result = result };
        }
        catch (MigrationException ex)
        {
            outcome = new FleetServiceOutcome
            {
                Service = member.Engine,
                State = ex is DependencyException { Problem: DependencyProblem.Failed }
                    ? FleetServiceState.Skipped
                    : FleetServiceState.Failed,
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

        _outcomes[member] = outcome;
        mine.Finish(outcome.State == FleetServiceState.Succeeded);
        _observer.OnServiceFinished(outcome);
    }

    /// <summary>
    /// Waits for the services this one names in <c>service.depends_on</c>: in the run until they finish, outside it by their state.
    /// </summary>
    private async Task WaitForDependenciesAsync(FleetMember member)
    {
        foreach (var dependency in member.DependsOnInRun)
        {
            if (!_progress[dependency].Completion.IsCompleted)
            {
                _observer.OnServiceWaiting(member.Engine, $"depends_on {dependency.Name}: waiting for its migrations to finish");
            }

            if (!await _progress[dependency].Completion.WaitAsync(_cancellationToken).ConfigureAwait(false))
            {
                throw Skipped(member, $"it depends on {dependency.Name} (service.depends_on), which {FailureWord(dependency)}");
            }
        }

        foreach (var outside in member.DependsOnOutside)
        {
            await FleetWaits.WaitForOutsideServiceAsync(member, outside, _options, _observer, _cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Runs the service's plan; when it pauses before a migration whose requirements are not yet met, waits for them
    /// (holding neither the run lock nor the throttle place) and runs on. The parts read as one result.
    /// </summary>
    private async Task<MigrationRunResult> MigrateAsync(FleetMember member, ThrottlePlace place, FleetProgressObserver recorder)
    {
        var parts = new List<MigrationRunResult>();
        var applied = 0;
        var stepsBefore = 0;
        while (true)
        {
            var part = await member.Engine.RunMigrationsAsync(
                new UpOptions
                {
                    Target = _options.Target,
                    Count = _options.Count - applied,
                    AllowOutOfOrder = _options.AllowOutOfOrder,
                    Observer = recorder,
                    Approve = _options.Approve,
                    Files = member.Files,
                    FilesLoadTime = member.LoadTime,
                    StopBefore = step => !RequirementsMet(member, step),
                    StepsBefore = stepsBefore,
                },
                _cancellationToken).ConfigureAwait(false);
            parts.Add(part);
            if (part.StoppedBefore is not { Migration: { } next } stoppedBefore)
            {
                return Merge(parts);
            }

            applied += part.Results.Count(r => r.Succeeded);
            stepsBefore += IndexOf(part.Planned, stoppedBefore);
            foreach (var requirement in member.Requirements[next.Version])
            {
                await SatisfyAsync(member, requirement, place, _cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>A dry run takes no lock: each step's requirements are checked as the step is offered.</summary>
    private Task<MigrationRunResult> DryRunAsync(FleetMember member, ThrottlePlace place, FleetProgressObserver recorder) =>
        member.Engine.RunMigrationsAsync(
            new UpOptions
            {
                Target = _options.Target,
                Count = _options.Count,
                AllowOutOfOrder = _options.AllowOutOfOrder,
                DryRun = true,
                Observer = recorder,
                Files = member.Files,
                FilesLoadTime = member.LoadTime,
                Approve = async (step, token) =>
                {
                    if (step.Migration is { } migration && member.Requirements.TryGetValue(migration.Version, out var requirements))
                    {
                        foreach (var requirement in requirements)
                        {
                            await SatisfyAsync(member, requirement, place, token).ConfigureAwait(false);
                        }
                    }

                    return _options.Approve is null || await _options.Approve(step, token).ConfigureAwait(false);
                },
            },
            _cancellationToken);

    private bool RequirementsMet(FleetMember member, PlannedStep step) =>
        step.Migration is not { } migration
        || !member.Requirements.TryGetValue(migration.Version, out var requirements)
        || requirements.All(r => _satisfied.ContainsKey(Key(r)));

    /// <summary>
    /// Waits until another service reached the version a migration requires; throws (skipping the rest) when it will not.
    /// </summary>
    private async Task SatisfyAsync(FleetMember member, ResolvedRequirement requirement, ThrottlePlace place, CancellationToken token)
    {
        var required = requirement.Requirement;
        if (_satisfied.ContainsKey(Key(requirement)))
        {
            return;
        }

        if (requirement.InRun is { } other)
        {
            if (_options.DryRun)
            {
                return; // nothing runs; the order is what the plan says
            }

            var otherProgress = _progress[other];
            if (otherProgress.Current < required.Version)
            {
                _observer.OnServiceWaiting(
                    member.Engine,
                    $"{requirement.Migration.FileName} requires {required}: waiting for {other.Name}");
            }

            var reached = await place.WhileWaitingAsync(
                () => otherProgress.WaitForVersionAsync(required.Version, token),
                token).ConfigureAwait(false);
            if (!reached)
            {
                var why = _outcomes.TryGetValue(other, out var otherOutcome) && otherOutcome.State != FleetServiceState.Succeeded
                    ? $"{other.Name} {FailureWord(other)}"
                    : $"{other.Name} stopped at version {Math.Max(0, otherProgress.Current)} in this run";
                throw Skipped(
                    member,
                    $"{requirement.Migration.FileName} line {required.Line} requires {required}, but {why}",
                    requirement.Migration.FilePath,
                    required.Line);
            }
        }
        else
        {
            await FleetWaits.WaitForOutsideVersionAsync(member, requirement, _options, _observer, place, token).ConfigureAwait(false);
        }

        _satisfied[Key(requirement)] = true;
    }

    private static (string, long) Key(ResolvedRequirement requirement) =>
        (requirement.Requirement.Service.ToLowerInvariant(), requirement.Requirement.Version);

    private static int IndexOf(IReadOnlyList<PlannedStep> steps, PlannedStep step)
    {
        for (var i = 0; i < steps.Count; i++)
        {
            if (ReferenceEquals(steps[i], step))
            {
                return i;
            }
        }

        return 0;
    }

    /// <summary>The parts of a run that paused for other services, as the one run they are.</summary>
    private static MigrationRunResult Merge(List<MigrationRunResult> parts) =>
        parts.Count == 1
            ? parts[0]
            : new MigrationRunResult
            {
                Service = parts[0].Service,
                Direction = MigrationDirection.Up,
                Results = parts.SelectMany(p => p.Results).ToArray(),
                Planned = parts[0].Planned,
                FromVersion = parts[0].FromVersion,
                ToVersion = parts.Max(p => p.ToVersion),
                LockWaited = parts.Aggregate(TimeSpan.Zero, (sum, p) => sum + p.LockWaited),
                HistoryCreated = parts.Any(p => p.HistoryCreated),
            };

    private static DependencyException Skipped(FleetMember member, string reason, string? filePath = null, int? line = null) =>
        new(
            $"{member.Name}: skipped: {reason}. Fix that service, then run this one again.",
            DependencyProblem.Failed,
            filePath,
            line)
        { Service = member.Name };

    private string FailureWord(FleetMember other) =>
        _outcomes.TryGetValue(other, out var outcome) && outcome.State == FleetServiceState.Skipped ? "was skipped" : "failed";
}
