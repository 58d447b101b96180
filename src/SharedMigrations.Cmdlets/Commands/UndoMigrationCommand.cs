using System.Management.Automation;
using SharedMigrations.Core;
using SharedMigrations.Core.Ci;
using SharedMigrations.Core.Fleet;
using SharedMigrations.Core.Model;
using SharedMigrations.Infrastructure;

namespace SharedMigrations.Commands;

/// <summary>Rolls back applied migrations, newest application first; dependants before the services they depend on.</summary>
[Cmdlet(
    VerbsCommon.Undo,
    "Migration",
    DefaultParameterSetName = PathParameterSet,
    SupportsShouldProcess = true,
    ConfirmImpact = ConfirmImpact.High)]
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
    public int ThrottleLimit { get; set; } = MigrationFleet.DefaultThrottleLimit;

    protected override void BeginProcessing()
    {
        if (Target is not null && Count is not null)
        {
            ThrowTerminatingError(new ErrorRecord(
                new PSArgumentException("Give -Target or -Count, not both: -Target 2 leaves version 2 as the newest applied, -Count 2 " +
                    "rolls back the newest two."),
                "TargetAndCountTogether",
                ErrorCategory.InvalidArgument,
                null));
        }
    }

    protected override void ProcessServices(IReadOnlyList<string> folders) =>
        FleetRun.Run(this, folders, "Undo-Migration", skipPrompt: Force.IsPresent, (
            fleet,
            approve,
            observer,
            dryRun,
            token) => fleet.DownAsync(
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
