using System.Management.Automation;
using SharedMigrations.Core;
using SharedMigrations.Core.Ci;
using SharedMigrations.Core.Fleet;
using SharedMigrations.Core.Model;
using SharedMigrations.Infrastructure;

namespace SharedMigrations.Commands;

/// <summary>Applies pending migrations, in version order, each in one transaction with its history row; many services as one run.</summary>
[Cmdlet(
    VerbsLifecycle.Invoke,
    "MigrationUp",
    DefaultParameterSetName = PathParameterSet,
    SupportsShouldProcess = true,
    ConfirmImpact = ConfirmImpact.Medium)]
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
    public int ThrottleLimit { get; set; } = MigrationFleet.DefaultThrottleLimit;

    /// <summary>
    /// How long to wait for a service outside the run to reach a version that a migration requires (polled), instead of failing at once.
    /// </summary>
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
