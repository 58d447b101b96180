using System.Management.Automation;
using SharedMigrations.Core;
using SharedMigrations.Core.Errors;
using SharedMigrations.Infrastructure;

namespace SharedMigrations.Commands;

/// <summary>Writes the next migration file of a service from a template.</summary>
[Cmdlet(
    VerbsCommon.New,
    "Migration",
    DefaultParameterSetName = PathParameterSet,
    SupportsShouldProcess = true,
    ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(FileInfo))]
public sealed class NewMigrationCommand : ServiceCommandBase
{
    /// <summary>The migration's name: lower-case letters, digits and underscores (other characters become underscores).</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = string.Empty;

    /// <summary>The -- Description: header.</summary>
    [Parameter]
    public string? Description { get; set; }

    /// <summary>The template: default, create_table, add_column, add_index, or one of the service's or team's own.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(MigrationTemplateCompleter))]
    public string? Template { get; set; }

    protected override void ProcessServices(IReadOnlyList<string> folders)
    {
        foreach (var folder in folders)
        {
            if (OpenService(folder) is not { } service)
            {
                continue;
            }

            string normalized;
            try
            {
                normalized = MigrationFileWriter.NormalizeName(Name, service.Name);
            }
            catch (MigrationException ex)
            {
                WriteMigrationError(ex, folder);
                continue;
            }

            var what = $"create a migration '{normalized}' from template '{Template ?? "default"}' in {service.MigrationsPath}";
            if (!ShouldProcess(service.Name, what))
            {
                continue;
            }

            try
            {
                var file = MigrationFileWriter.Create(
                    service.MigrationsPath,
                    Name,
                    Description,
                    Template,
                    service.Configuration.Migration.Versioning,
                    service.Name,
                    MigrationFileWriter.TeamTemplatesFolder(service));
                WriteVerbose($"{service.Name}: wrote {file.FullName}.");

                // Through the provider, so the object has PSPath and pipes into Get-Content and friends.
                WriteObject(InvokeProvider.Item.Get(file.FullName), enumerateCollection: true);
            }
            catch (MigrationException ex)
            {
                WriteMigrationError(ex, folder);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                WriteError(new ErrorRecord(ex, "MigrationFileWriteFailed", ErrorCategory.WriteError, folder));
            }
        }
    }
}
