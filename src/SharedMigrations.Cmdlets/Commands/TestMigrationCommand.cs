using System.Management.Automation;
using SharedMigrations.Core;
using SharedMigrations.Core.Errors;
using SharedMigrations.Core.Linting;
using SharedMigrations.Core.Model;
using SharedMigrations.Infrastructure;

namespace SharedMigrations.Commands;

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
