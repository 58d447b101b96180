using System.Management.Automation;
using SharedMigrations.Core;
using SharedMigrations.Core.Database;
using SharedMigrations.Core.Errors;
using SharedMigrations.Core.Model;
using SharedMigrations.Core.Linting;
using SharedMigrations.Infrastructure;

namespace SharedMigrations.Commands;

/// <summary>
/// Checks migration files: the format rules and the safety analysis (what each statement locks, rewrites or breaks on a
/// live database). Offline by default; with -Online or -ConnectionString it reads the server version, the tables and
/// their sizes, and the applied versions.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "Migration", DefaultParameterSetName = PathParameterSet)]
[OutputType(typeof(MigrationDiagnostic), typeof(bool), typeof(FileInfo))]
public sealed class TestMigrationCommand : DatabaseCommandBase
{
    private readonly List<(string Service, Core.Model.MigrationDiagnostic Diagnostic)> _sarif = [];
    private bool _failed;

    /// <summary>Return only $true (no errors) or $false (at least one error).</summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    /// <summary>Connect with the service's config (or -ConnectionString / -Credential) for the server version, tables and sizes.</summary>
    [Parameter]
    public SwitchParameter Online { get; set; }

    /// <summary>Object (the default) writes MigrationDiagnostic objects; Sarif writes a SARIF 2.1.0 file to -OutFile.</summary>
    [Parameter]
    public TestMigrationFormat Format { get; set; } = TestMigrationFormat.Object;

    /// <summary>The file that -Format Sarif writes (overwritten).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? OutFile { get; set; }

    protected override void BeginProcessing()
    {
        if (Format == TestMigrationFormat.Sarif && OutFile is null)
        {
            ThrowTerminatingError(new ErrorRecord(
                new PSArgumentException("-Format Sarif writes a file: give its path with -OutFile, for example -OutFile lint.sarif."),
                "SarifOutFileMissing",
                ErrorCategory.InvalidArgument,
                Format));
        }

        base.BeginProcessing();
    }

    protected override void ProcessServices(IReadOnlyList<string> folders)
    {
        var online = Online || ConnectionString is not null ? Overrides() : null;
        var configPath = ConfigPath is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(ConfigPath);
        var migrationsPath = MigrationsPath is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(MigrationsPath);

        RunOnWorker(async (bridge, token) =>
        {
            foreach (var folder in folders)
            {
                ServiceCheckResult check;
                try
                {
                    check = await ServiceCheck.RunAsync(folder, configPath, migrationsPath, online, token).ConfigureAwait(false);
                }
                catch (MigrationException ex)
                {
                    bridge.Post(() => WriteMigrationError(ex, folder));
                    _failed = true;
                    continue;
                }

                _failed |= check.HasErrors;
                bridge.Post(() => Write(check, folder));
            }
        });

        if (Quiet && Format == TestMigrationFormat.Object)
        {
            WriteObject(!_failed && !HadInputErrors);
        }
    }

    protected override void EndProcessing()
    {
        base.EndProcessing();
        if (Format != TestMigrationFormat.Sarif || OutFile is null)
        {
            return;
        }

        var path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(OutFile);
        var root = SessionState.Path.CurrentFileSystemLocation.ProviderPath;
        var version = typeof(TestMigrationCommand).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
        try
        {
            SarifWriter.Write(path, _sarif, root, version);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            ThrowTerminatingError(new ErrorRecord(
                new IOException(
                    $"The SARIF file '{path}' could not be written: {ex.Message} Check that its folder exists and is writable.",
                    ex),
                "SarifWriteFailed",
                ErrorCategory.WriteError,
                path));
        }

        if (Quiet)
        {
            WriteObject(!_failed && !HadInputErrors);
        }
        else
        {
            WriteObject(SessionState.InvokeProvider.Item.Get([path], force: false, literalPath: true), enumerateCollection: true);
        }
    }

    private void Write(ServiceCheckResult check, string folder)
    {
        if (check.ServerVersion is { } server)
        {
            WriteVerbose($"{check.Service}: analysed for PostgreSQL {server} with the tables of the database");
        }

        foreach (var diagnostic in check.Diagnostics)
        {
            WriteAnnotation(Core.Ci.Annotations.For(check.Service, diagnostic));
            if (Format == TestMigrationFormat.Sarif)
            {
                _sarif.Add((check.Service, diagnostic));
            }
            else if (!Quiet)
            {
                WriteObject(OutputMapper.ToDiagnostic(diagnostic, check.Service, folder));
            }
        }
    }
}
