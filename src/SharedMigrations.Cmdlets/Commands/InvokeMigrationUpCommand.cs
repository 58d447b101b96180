using System.Management.Automation;
using SharedMigrations.Core;
using SharedMigrations.Infrastructure;

namespace SharedMigrations.Commands;

/// <summary>Applies pending migrations, in version order, each in one transaction with its history row.</summary>
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

    protected override void ProcessServices(IReadOnlyList<string> folders) =>
        RunCommands.Run(this, folders, "Invoke-MigrationUp", (engine, options, token) => engine.RunMigrationsAsync(
            new UpOptions
            {
                Target = Target,
                Count = Count,
                AllowOutOfOrder = AllowOutOfOrder.IsPresent,
                DryRun = options.DryRun,
                Approve = options.Approve,
                Observer = options.Observer,
            },
            token));
}

/// <summary>Rolls back applied migrations, newest application first.</summary>
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

    /// <summary>Skip the confirmation prompt, and roll back even what rollback_safety refuses (an empty DOWN, a file changed since it was applied).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

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
        RunCommands.Run(this, folders, "Undo-Migration", (engine, options, token) => engine.RollbackAsync(
            new DownOptions
            {
                Target = Target,
                Count = Count,
                Force = Force.IsPresent,
                DryRun = options.DryRun,
                Approve = options.Approve,
                Observer = options.Observer,
            },
            token), skipPrompt: Force.IsPresent);
}

/// <summary>The part of a run the commands share: WhatIf, confirmation, observer.</summary>
internal sealed record RunSettings(bool DryRun, Func<PlannedStep, CancellationToken, ValueTask<bool>> Approve, MigrationObserver Observer);

/// <summary>Runs Invoke-MigrationUp / Undo-Migration over services: engines opened on the pipeline thread, work on a worker, each service's failure reported without stopping the others.</summary>
internal static class RunCommands
{
    public static void Run(
        DatabaseCommandBase command,
        IReadOnlyList<string> folders,
        string activity,
        Func<MigrationService, RunSettings, CancellationToken, Task<MigrationRunResult>> run,
        bool skipPrompt = false)
    {
        var engines = folders.Select(f => (Folder: f, Engine: command.OpenEngine(f))).Where(x => x.Engine is not null).ToArray();
        var dryRun = command.WhatIfRequested;
        command.RunOnWorker(async (bridge, token) =>
        {
            for (var i = 0; i < engines.Length; i++)
            {
                var (folder, engine) = engines[i];
                var observer = new CmdletObserver(command, bridge, folder, activity, i + 1);
                var target = engine!.ServiceName;
                var settings = new RunSettings(
                    dryRun,
                    async (step, _) => skipPrompt && !dryRun || await command.ShouldProcessOnPipelineAsync(bridge, target, step.Description).ConfigureAwait(false),
                    observer);
                try
                {
                    await run(engine, settings, token).ConfigureAwait(false);
                }
                catch (MigrationException ex)
                {
                    bridge.Post(() => command.WriteError(ErrorRecords.From(ex, folder)));
                }
            }
        });
    }
}
