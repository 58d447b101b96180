using System.Management.Automation;
using SharedMigrations.Core;
using SharedMigrations.Infrastructure;

namespace SharedMigrations.Commands;

/// <summary>Writes the next migration file of a service from a template.</summary>
[Cmdlet(VerbsCommon.New, "Migration", DefaultParameterSetName = PathParameterSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
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

            var what = $"create a migration '{MigrationFileWriter.NormalizeName(Name)}' from template '{Template ?? "default"}' in {service.MigrationsPath}";
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

/// <summary>The audit log of each service: every up, down and repair, with who, when, how long and whether it succeeded.</summary>
[Cmdlet(VerbsCommon.Get, "MigrationHistory", DefaultParameterSetName = PathParameterSet)]
[OutputType(typeof(MigrationEvent))]
public sealed class GetMigrationHistoryCommand : DatabaseCommandBase
{
    protected override void ProcessServices(IReadOnlyList<string> folders)
    {
        var engines = folders.Select(f => (Folder: f, Engine: OpenEngine(f))).Where(x => x.Engine is not null).ToArray();
        RunOnWorker(async (bridge, token) =>
        {
            foreach (var (folder, engine) in engines)
            {
                try
                {
                    var events = await engine!.GetHistoryAsync(token).ConfigureAwait(false);
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

/// <summary>Accepts intentional edits (records the files' new checksums) and clears Failed records.</summary>
[Cmdlet(VerbsDiagnostic.Repair, "MigrationHistory", DefaultParameterSetName = PathParameterSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
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
                            Approve = async (step, _) => Force.IsPresent && !dryRun || await ShouldProcessOnPipelineAsync(bridge, target, step.Description).ConfigureAwait(false),
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

/// <summary>Checks migration files offline: the format rules and PostgreSQL-aware lint.</summary>
[Cmdlet(VerbsDiagnostic.Test, "Migration", DefaultParameterSetName = PathParameterSet)]
[OutputType(typeof(MigrationDiagnostic), typeof(bool))]
public sealed class TestMigrationCommand : ServiceCommandBase
{
    /// <summary>Return only $true (no errors) or $false (at least one error).</summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    protected override void ProcessServices(IReadOnlyList<string> folders)
    {
        var failed = false;
        foreach (var folder in folders)
        {
            ServiceCheckResult check;
            try
            {
                check = ServiceCheck.Run(
                    folder,
                    ConfigPath is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(ConfigPath),
                    MigrationsPath is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(MigrationsPath));
            }
            catch (MigrationException ex)
            {
                WriteMigrationError(ex, folder);
                failed = true;
                continue;
            }

            failed |= check.HasErrors;
            foreach (var diagnostic in check.Diagnostics)
            {
                WriteAnnotation(Core.Ci.Annotations.For(check.Service, diagnostic));
                if (!Quiet)
                {
                    WriteObject(OutputMapper.ToDiagnostic(diagnostic, check.Service, folder));
                }
            }
        }

        if (Quiet)
        {
            WriteObject(!failed && !HadInputErrors);
        }
    }
}
