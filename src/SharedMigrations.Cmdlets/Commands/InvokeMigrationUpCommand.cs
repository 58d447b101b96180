using System.Management.Automation;
using SharedMigrations.Core;
using SharedMigrations.Core.Ci;
using SharedMigrations.Infrastructure;

namespace SharedMigrations.Commands;

/// <summary>Applies pending migrations, in version order, each in one transaction with its history row; many services as one run.</summary>
[Cmdlet(VerbsLifecycle.Invoke, "MigrationUp", DefaultParameterSetName = PathParameterSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(MigrationResult))]
public sealed class InvokeMigrationUpCommand : DatabaseCommandBase
{
    /// <summary>Apply pending migrations up to and including this version.</summary>
    [Parameter]
    [ValidateRange(1, long.MaxValue)]
    [ArgumentCompleter(typeof(MigrationVersionCompleter))]
    public long? Target { get; set; }

    /// <summary>Apply at most this many migrations per service.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? Count { get; set; }

    /// <summary>Apply migrations whose version is below the highest applied one (as migration.out_of_order: true does).</summary>
    [Parameter]
    public SwitchParameter AllowOutOfOrder { get; set; }

    /// <summary>How many services run at the same time.</summary>
    [Parameter]
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = Fleet.DefaultThrottleLimit;

    /// <summary>How long to wait for a service outside the run to reach a version that a migration requires (polled), instead of failing at once.</summary>
    [Parameter]
    public TimeSpan? WaitForDependency { get; set; }

    protected override void ProcessServices(IReadOnlyList<string> folders) =>
        FleetRun.Run(this, folders, "Invoke-MigrationUp", skipPrompt: false, (fleet, approve, observer, dryRun, token) => fleet.UpAsync(
            new FleetUpOptions
            {
                Target = Target,
                Count = Count,
                AllowOutOfOrder = AllowOutOfOrder.IsPresent,
                DryRun = dryRun,
                ThrottleLimit = ThrottleLimit,
                WaitForDependency = WaitForDependency,
                Approve = approve,
                Observer = observer,
            },
            token));
}

/// <summary>Rolls back applied migrations, newest application first; dependants before the services they depend on.</summary>
[Cmdlet(VerbsCommon.Undo, "Migration", DefaultParameterSetName = PathParameterSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(MigrationResult))]
public sealed class UndoMigrationCommand : DatabaseCommandBase
{
    /// <summary>Roll back every applied migration above this version, leaving it the newest applied; 0 rolls back all.</summary>
    [Parameter]
    [ValidateRange(0, long.MaxValue)]
    [ArgumentCompleter(typeof(MigrationVersionCompleter))]
    public long? Target { get; set; }

    /// <summary>Roll back the newest this many migrations (default 1).</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? Count { get; set; }

    /// <summary>Skip the confirmation prompt, and roll back even what rollback_safety or a dependant service refuses.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>How many services roll back at the same time.</summary>
    [Parameter]
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = Fleet.DefaultThrottleLimit;

    protected override void BeginProcessing()
    {
        if (Target is not null && Count is not null)
        {
            ThrowTerminatingError(new ErrorRecord(
                new PSArgumentException("Give -Target or -Count, not both: -Target 2 leaves version 2 as the newest applied, -Count 2 rolls back the newest two."),
                "TargetAndCountTogether",
                ErrorCategory.InvalidArgument,
                null));
        }
    }

    protected override void ProcessServices(IReadOnlyList<string> folders) =>
        FleetRun.Run(this, folders, "Undo-Migration", skipPrompt: Force.IsPresent, (fleet, approve, observer, dryRun, token) => fleet.DownAsync(
            new FleetDownOptions
            {
                Target = Target,
                Count = Count,
                Force = Force.IsPresent,
                DryRun = dryRun,
                ThrottleLimit = ThrottleLimit,
                Approve = approve,
                Observer = observer,
            },
            token));
}

/// <summary>
/// Runs Invoke-MigrationUp / Undo-Migration over the services of the input as one fleet run: engines opened on the
/// pipeline thread, the run on workers, results, errors, prompts and progress written back on the pipeline thread.
/// </summary>
internal static class FleetRun
{
    public static void Run(
        DatabaseCommandBase command,
        IReadOnlyList<string> folders,
        string activity,
        bool skipPrompt,
        Func<Fleet, Func<PlannedStep, CancellationToken, ValueTask<bool>>, FleetObserver, bool, CancellationToken, Task<FleetResult>> run)
    {
        var engines = folders.Select(f => (Folder: f, Engine: command.OpenEngine(f))).Where(x => x.Engine is not null).ToArray();
        if (engines.Length == 0)
        {
            return;
        }

        var dryRun = command.WhatIfRequested;
        var paths = engines.ToDictionary(e => e.Engine!, e => e.Folder);
        var fleet = new Fleet(engines.Select(e => e.Engine!).ToArray());
        CmdletFleetObserver? observer = null;
        try
        {
            command.RunOnWorker(async (bridge, token) =>
            {
                observer = new CmdletFleetObserver(command, bridge, activity, paths);
                try
                {
                    await run(
                        fleet,
                        async (step, _) => (skipPrompt && !dryRun) || await command.ShouldProcessOnPipelineAsync(bridge, step.Service, step.Description).ConfigureAwait(false),
                        observer,
                        dryRun,
                        token).ConfigureAwait(false);
                }
                catch (MigrationException ex)
                {
                    // The plan over all services failed (a cycle, an unknown service): nothing ran.
                    bridge.Post(() => command.WriteMigrationError(ex, ex.FilePath ?? folders[0]));
                }
                finally
                {
                    observer.Complete();
                }
            });
        }
        finally
        {
            // Also when -ErrorAction Stop or Ctrl+C ended the run early: the summary matters most then.
            var finished = observer?.Outcomes.ToDictionary(o => o.Service) ?? new Dictionary<MigrationService, FleetServiceOutcome>();
            var rows = engines.Select(e => finished.TryGetValue(e.Engine!, out var outcome) ? SummaryRow.From(outcome) : SummaryRow.NotRun(e.Engine!)).ToArray();
            try
            {
                command.WriteSummary($"SharedMigrations: {activity}{(dryRun ? " -WhatIf" : string.Empty)}", rows);
            }
            catch (Exception ex) when (ex is PipelineStoppedException or ActionPreferenceStopException)
            {
                // The run is being stopped; the error that stopped it is what the caller sees.
            }
        }
    }
}
