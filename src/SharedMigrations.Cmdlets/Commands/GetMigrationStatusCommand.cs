using System.Management.Automation;
using SharedMigrations.Core;
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
    public int ThrottleLimit { get; set; } = Defaults.ThrottleLimit;

    protected override void ProcessServices(IReadOnlyList<string> folders)
    {
        var engines = folders.Select(f => (Folder: f, Engine: OpenEngine(f))).Where(x => x.Engine is not null).ToArray();
        RunOnWorker((bridge, token) => Parallel.ForEachAsync(
            engines,
            new ParallelOptions { MaxDegreeOfParallelism = ThrottleLimit, CancellationToken = token },
            async (item, ct) =>
            {
                var engine = item.Engine!;
                try
                {
                    var report = await engine.GetStatusAsync(ct).ConfigureAwait(false);
                    if (Summary)
                    {
                        var row = OutputMapper.ToServiceStatus(report, item.Folder);
                        bridge.Post(() => WriteObject(row));
                    }
                    else
                    {
                        var rows = report.Entries.Select(e => OutputMapper.ToStatus(report.Service, item.Folder, e)).ToArray();
                        bridge.Post(() => WriteObject(rows, enumerateCollection: true));
                    }
                }
                catch (DatabaseConnectionException ex) when (Summary)
                {
                    var latest = SafeLatestVersion(engine);
                    var row = OutputMapper.ToServiceStatus(
                        ServiceStatusReport.Unreachable(engine.ServiceName, engine.Definition?.DatabaseName, engine.Manager.Server, latest, ex.Message),
                        item.Folder);
                    bridge.Post(() => WriteObject(row));
                }
                catch (MigrationException ex)
                {
                    bridge.Post(() => WriteError(ErrorRecords.From(ex, item.Folder)));
                }
            }));
    }

    private static long SafeLatestVersion(MigrationService engine)
    {
        try
        {
            return engine.Loader.Analyze().LatestVersion;
        }
        catch (IOException)
        {
            return 0;
        }
    }
}

/// <summary>Defaults shared by the commands.</summary>
internal static class Defaults
{
    /// <summary>Services worked on at the same time, unless -ThrottleLimit says otherwise.</summary>
    public const int ThrottleLimit = 8;
}
