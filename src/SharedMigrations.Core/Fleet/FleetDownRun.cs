using System.Collections.Concurrent;
using SharedMigrations.Core.Diagnostics;
using SharedMigrations.Core.Errors;
using SharedMigrations.Core.Model;

namespace SharedMigrations.Core.Fleet;

/// <summary>
/// One <c>down</c> over a fleet, dependants first: each service plans its rollback, the plan is checked against the
/// services whose applied migrations still require it (unless forced), then the plan runs.
/// </summary>
internal sealed class FleetDownRun
{
    private readonly FleetGraph _graph;
    private readonly FleetDownOptions _options;
    private readonly FleetObserver _observer;
    private readonly CancellationToken _cancellationToken;
    private readonly Dictionary<FleetMember, TaskCompletionSource> _done;
    private readonly SemaphoreSlim _places;
    private readonly ConcurrentDictionary<FleetMember, FleetServiceOutcome> _outcomes = new();

    public FleetDownRun(FleetGraph graph, FleetDownOptions options, CancellationToken cancellationToken)
    {
        _graph = graph;
        _options = options;
        _observer = options.Observer ?? new FleetObserver();
        _cancellationToken = cancellationToken;
        _done = graph.Members.ToDictionary(m => m, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        _places = new SemaphoreSlim(Math.Max(1, options.ThrottleLimit));
    }

    public async Task<FleetResult> RunAsync()
    {
        var tasks = _graph.Order.Reverse().Select(m => Task.Run(() => RunServiceAsync(m), _cancellationToken)).ToArray();
        await Task.WhenAll(tasks).ConfigureAwait(false);
        return new FleetResult { Services = _graph.Members.Select(m => _outcomes[m]).ToArray() };
    }

    private async Task RunServiceAsync(FleetMember member)
    {
        FleetServiceOutcome outcome;
        FleetProgressObserver? recorder = null;
        try
        {
            await WaitForDependantsAsync(member).ConfigureAwait(false);
            if (member.LoadError is { } loadError)
            {
                throw loadError;
            }

            using var place = await ThrottlePlace.TakeAsync(_places, _cancellationToken).ConfigureAwait(false);
            _observer.OnServiceStarted(member.Engine);
            FaultInjection.At(FaultPoint.Worker, member.Name);
            if (!_options.Force)
            {
                await CheckPlanAsync(member).ConfigureAwait(false);
            }

            recorder = new FleetProgressObserver(_observer.ForService(member.Engine), null, member.Name, MigrationDirection.Down);
            var result = await member.Engine.RollbackAsync(
                new DownOptions
                {
                    Target = _options.Target,
                    Count = _options.Count,
                    Force = _options.Force,
                    DryRun = _options.DryRun,
                    Approve = _options.Approve,
                    Observer = recorder,
                    Files = member.Files,
                    FilesLoadTime = member.LoadTime,
                },
                _cancellationToken).ConfigureAwait(false);
            FaultInjection.At(FaultPoint.Continuation, member.Name);
            outcome = new FleetServiceOutcome { Service = member.Engine, State = FleetServiceState.Succeeded, Result = result };
        }
        catch (MigrationException ex)
        {
            outcome = new FleetServiceOutcome
            {
                Service = member.Engine,
                State = FleetServiceState.Failed,
                Result = recorder?.Partial(),
                Error = ex,
            };
        }
        catch (OperationCanceledException)
        {
            _done[member].TrySetResult();
            throw;
        }
        catch (Exception ex)
        {
            // A defect or the runtime failing: this service fails, named; the others go on.
            var error = new UnexpectedErrorException(member.Name, ex);
            outcome = new FleetServiceOutcome
            {
                Service = member.Engine,
                State = FleetServiceState.Failed,
                Result = recorder?.Partial(),
                Error = error,
            };
        }

        _outcomes[member] = outcome;
        _done[member].TrySetResult();
        _observer.OnServiceFinished(outcome);
    }

    private async Task WaitForDependantsAsync(FleetMember member)
    {
        foreach (var dependant in member.Dependants)
        {
            if (!_done[dependant].Task.IsCompleted)
            {
                _observer.OnServiceWaiting(member.Engine, $"waiting for {dependant.Name}, which depends on it, to roll back first");
            }

            await _done[dependant].Task.WaitAsync(_cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Plans the rollback (read-only, with its refusals) and refuses it before anything runs when another service still needs what it
    /// removes.
    /// </summary>
    private async Task CheckPlanAsync(FleetMember member)
    {
        var dependants = RollbackDependants.Find(member, _graph);
        var planned = await member.Engine.PlanRollbackAsync(
            new DownOptions { Target = _options.Target, Count = _options.Count, Files = member.Files, FilesLoadTime = member.LoadTime },
            _cancellationToken).ConfigureAwait(false);
        await RollbackDependants.CheckAsync(member, planned, dependants, _cancellationToken).ConfigureAwait(false);
    }
}
