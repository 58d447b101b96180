using System.Management.Automation;
using SharedMigrations.Core.Errors;
using SharedMigrations.Core;
using SharedMigrations.Infrastructure;

namespace SharedMigrations.Commands;

/// <summary>Writes each service's schema as a deterministic text file for review in pull requests.</summary>
[Cmdlet(
    VerbsData.Export,
    "MigrationSchema",
    DefaultParameterSetName = PathParameterSet,
    SupportsShouldProcess = true,
    ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(FileInfo))]
public sealed class ExportMigrationSchemaCommand : DatabaseCommandBase
{
    /// <summary>The file to write (default: migration.schema_file, else schema.sql in the service folder). One service only.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Destination { get; set; }

    protected override void ProcessServices(IReadOnlyList<string> folders)
    {
        var engines = folders.Select(f => (Folder: f, Engine: OpenEngine(f))).Where(x => x.Engine is not null).ToArray();
        if (Destination is not null && engines.Length > 1)
        {
            WriteError(new ErrorRecord(
                new PSArgumentException($"-Destination names one file, but {engines.Length} services were given; leave it out to write " +
                    $"each service's own schema file."),
                "DestinationForManyServices",
                ErrorCategory.InvalidArgument,
                Destination));
            return;
        }

        var destination = Destination is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(Destination);
        var approved = engines
            .Where(e => ShouldProcess(destination ?? e.Engine!.DefaultSchemaFilePath, $"write the schema of {e.Engine!.ServiceName}"))
            .ToArray();
        var written = new List<string>();
        RunOnWorker(async (bridge, token) =>
        {
            foreach (var (folder, engine) in approved)
            {
                try
                {
                    var (path, changed, snapshot) = await engine!.ExportSchemaAsync(destination, token).ConfigureAwait(false);
                    bridge.Post(() =>
                    {
                        WriteVerbose($"{engine.ServiceName}: {(changed ? "wrote" : "unchanged:")} {path} ({snapshot.Objects.Count} " +
                            $"object(s)).");
                        WriteObject(InvokeProvider.Item.Get(path), enumerateCollection: true);
                    });
                }
                catch (MigrationException ex)
                {
                    bridge.Post(() => WriteMigrationError(ex, folder));
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    bridge.Post(() => WriteError(new ErrorRecord(ex, "SchemaFileWriteFailed", ErrorCategory.WriteError, folder)));
                }
            }
        });
    }
}
