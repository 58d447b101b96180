using System.Management.Automation;
using SharedMigrations.Core;
using SharedMigrations.Core.Loading;
using SharedMigrations.Infrastructure;

namespace SharedMigrations.Commands;

/// <summary>Finds service folders: the folder itself if it is one, else the service folders below it.</summary>
[Cmdlet(VerbsCommon.Get, "MigrationService", DefaultParameterSetName = PathParameterSet)]
[OutputType(typeof(ServiceInfo))]
public sealed class GetMigrationServiceCommand : ServiceCommandBase
{
    /// <summary>Search below the given folders at any depth, not only directly below.</summary>
    [Parameter]
    public SwitchParameter Recurse { get; set; }

    protected override bool RecurseInput => Recurse.IsPresent;

    protected override void ProcessServices(IReadOnlyList<string> folders)
    {
        foreach (var folder in folders)
        {
            if (OpenService(folder) is { } service)
            {
                WriteObject(OutputMapper.ToServiceInfo(service, new MigrationLoader(service.MigrationsPath).CountFiles()));
            }
        }
    }
}
