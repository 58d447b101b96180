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

    private readonly IReadOnlyList<MigrationService> _services;
    private readonly Func<ServiceDefinition, MigrationService> _openOutside;

    /// <param name="services">The services of the run, each once.</param>
    /// <param name="openOutside">Opens a service outside the run that a service of the run names (default: from its own folder and
    /// config).</param>
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
    public Task<FleetResult> UpAsync(FleetUpOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new FleetUpRun(FleetGraph.Build(_services, _openOutside), options, cancellationToken).RunAsync();
    }

    /// <summary>
    /// Rolls back every service, dependants first (the graph walked the other way). A service is not rolled back below a
    /// version that an applied migration of another service requires, unless <see cref="FleetDownOptions.Force"/>.
    /// </summary>
    public Task<FleetResult> DownAsync(FleetDownOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new FleetDownRun(FleetGraph.Build(_services, _openOutside), options, cancellationToken).RunAsync();
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
}
