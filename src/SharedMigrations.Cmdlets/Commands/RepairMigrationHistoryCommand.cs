using System.Management.Automation;
using SharedMigrations.Core;
using SharedMigrations.Core.Errors;
using SharedMigrations.Core.Model;
using SharedMigrations.Infrastructure;

namespace SharedMigrations.Commands;

/// <summary>Accepts intentional edits (records the files' new checksums) and clears Failed records.</summary>
[Cmdlet(
    VerbsDiagnostic.Repair,
    "MigrationHistory",
    DefaultParameterSetName = PathParameterSet,
    SupportsShouldProcess = true,
    ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(MigrationEvent))]
public sealed class RepairMigrationHistoryCommand : DatabaseCommandBase
{
    /// <summary>Skip the confirmation prompt.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessServices(IReadOnlyList<string> folders)
    {
        var engines = folders.Select(f => (Folder: f, Engine: OpenEngine(f))).Where(x => x.Engine is not null).ToArray();
        var dryRun = WhatIfRequested;
        RunOnWorker(async (bridge, token) =>
        {
            foreach (var (folder, engine) in engines)
            {
                var target = engine!.ServiceName;
                try
                {
                    var events = await engine.RepairAsync(
                        new RepairOptions
                        {
                            DryRun = dryRun,
                            Approve = async (step, _) =>
                                Force.IsPresent
                                    && !dryRun
                                        || await ShouldProcessOnPipelineAsync(bridge, target, step.Description).ConfigureAwait(false),
                            Observer = new CmdletObserver(this, bridge, folder, "Repair-MigrationHistory", 1),
                        },
                        token).ConfigureAwait(false);
                    var rows = events.Select(e => OutputMapper.ToEvent(e, engine.ServiceName, folder)).ToArray();
                    bridge.Post(() => WriteObject(rows, enumerateCollection: true));
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    var error = UnexpectedErrorException.From(engine!.ServiceName, ex);
                    bridge.Post(() => WriteMigrationError(error, folder));
                }
            }
        });
    }
}
