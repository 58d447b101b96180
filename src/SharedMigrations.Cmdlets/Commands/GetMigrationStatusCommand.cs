using System.Management.Automation;
using SharedMigrations.Core;
using SharedMigrations.Core.Ci;
using SharedMigrations.Core.Fleet;
using SharedMigrations.Infrastructure;

namespace SharedMigrations.Commands;

/// <summary>The state of each migration of each service, or with -Summary one row per service.</summary>
[Cmdlet(VerbsCommon.Get, "MigrationStatus", DefaultParameterSetName = PathParameterSet)]
[OutputType(typeof(MigrationStatus), typeof(ServiceStatus))]
public sealed class GetMigrationStatusCommand : DatabaseCommandBase
{
    /// <summary>One ServiceStatus row per service instead of one row per migration.</summary>
    [Parameter]
    public SwitchParameter Summary { get; set; }

    /// <summary>How many services are queried at the same time.</summary>
    [Parameter]
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = MigrationFleet.DefaultThrottleLimit;

    protected override void ProcessServices(IReadOnlyList<string> folders)
    {
        var engines = folders.Select(f => (Folder: f, Engine: OpenEngine(f))).Where(x => x.Engine is not null).ToArray();
        if (engines.Length == 0)
        {
            return;
        }

        var paths = engines.ToDictionary(e => e.Engine!, e => e.Folder);
        var fleet = new MigrationFleet(engines.Select(e => e.Engine!).ToArray());
        var summaryRows = new System.Collections.Concurrent.ConcurrentQueue<SummaryRow>();
        RunOnWorker(async (bridge, token) =>
        {
            var observer = new CmdletFleetObserver(this, bridge, "Get-MigrationStatus", paths);
            try
            {
                await fleet.StatusAsync(
                    Summary,
                    ThrottleLimit,
                    (engine, report) =>
                    {
                        var path = paths[engine];
                        summaryRows.Enqueue(SummaryRow.From(report));
                        var annotations = report.Entries.Select(e => Annotations.For(
                            report.Service,
                            e)).Where(a => a is not null).ToArray();
                        bridge.Post(() =>
                        {
                            foreach (var annotation in annotations)
                            {
                                WriteAnnotation(annotation);
                            }
                        });
                        if (Summary)
                        {
                            var row = OutputMapper.ToServiceStatus(report, path);
                            bridge.Post(() => WriteObject(row));
                        }
                        else
                        {
                            var statuses = report.Entries.Select(e => OutputMapper.ToStatus(report.Service, path, e)).ToArray();
                            bridge.Post(() => WriteObject(statuses, enumerateCollection: true));
                        }
                    },
                    (engine, ex) => bridge.Post(() => WriteMigrationError(ex, paths[engine])),
                    token,
                    observer).ConfigureAwait(false);
            }
            finally
            {
                observer.Complete();
            }
        });
        if (Summary)
        {
            WriteSummary(
                "SharedMigrations: Get-MigrationStatus -Summary",
                summaryRows.OrderBy(r => r.Service, StringComparer.Ordinal).ToArray());
        }
    }
}

