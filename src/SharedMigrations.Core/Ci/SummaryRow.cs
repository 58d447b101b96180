using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using SharedMigrations.Core.Configuration;
using SharedMigrations.Core.Fleet;
using SharedMigrations.Core.Model;
using SharedMigrations.Core.Planning;

namespace SharedMigrations.Core.Ci;

/// <summary>One service's row in a step summary.</summary>
internal sealed record SummaryRow(
    string Service,
    string? Database,
    long? FromVersion,
    long? ToVersion,
    int Migrations,
    TimeSpan Duration,
    string Outcome,
    bool Succeeded)
{
    /// <summary>The row of a service of a fleet run (up or down): versions, migrations run, their time, and how it ended.</summary>
    public static SummaryRow From(FleetServiceOutcome outcome)
    {
        var result = outcome.Result;
        var ran = result?.Results ?? Array.Empty<MigrationResult>();
        var text = outcome.State switch
        {
            FleetServiceState.Succeeded when result is { DryRun: true } =>
                $"WhatIf: {result.Planned.Count(p => p.Kind == PlannedStepKind.Migration)} would run",
            FleetServiceState.Succeeded => "Succeeded",
            FleetServiceState.Skipped => $"Skipped: {outcome.Error?.Message}",
            _ => $"Failed ({outcome.Error?.ErrorId}): {outcome.Error?.Message}",
        };
        return new SummaryRow(
            outcome.Service.ServiceName,
            outcome.Service.Definition?.DatabaseName,
            result?.FromVersion,
            result?.ToVersion,
            ran.Count(r => r.Succeeded),
            TimeSpan.FromTicks(ran.Sum(r => r.Duration.Ticks)),
            text,
            outcome.State == FleetServiceState.Succeeded);
    }

    /// <summary>The row of a service that a run did not get to (it stopped early).</summary>
    public static SummaryRow NotRun(MigrationService service) =>
        new(
            service.ServiceName,
            service.Definition?.DatabaseName,
            null,
            null,
            0,
            TimeSpan.Zero,
            "Not run (the run stopped before it)",
            false);

    /// <summary>The row of a service's status: current → latest version, pending count, state and problems.</summary>
    public static SummaryRow From(ServiceStatusReport report) => new(
        report.Service,
        report.Database,
        report.CurrentVersion,
        report.LatestVersion,
        report.Pending,
        TimeSpan.Zero,
        report.State == ServiceState.Unreachable
            ? $"Unreachable: {report.Reason}"
            : $"{report.State}{(report.Problems.Count > 0 ? ": " + string.Join("; ", report.Problems) : string.Empty)}",
        report.State is ServiceState.UpToDate or ServiceState.Pending);
}
