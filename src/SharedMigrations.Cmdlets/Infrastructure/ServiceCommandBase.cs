using System.Management.Automation;
using SharedMigrations.Core;
using SharedMigrations.Core.Ci;
using SharedMigrations.Core.Database;
using SharedMigrations.Core.Errors;

namespace SharedMigrations.Infrastructure;

/// <summary>
/// What every command over service folders shares: the Path / LiteralPath parameter sets (by value, by property name,
/// and the objects the other commands emit, through their Path property), -ConfigPath, -MigrationsPath,
/// -ConnectionString and -Credential; path resolution through the provider; each service worked on once; and errors
/// written as ErrorRecords with stable ids.
/// </summary>
public abstract class ServiceCommandBase : PSCmdlet
{
    protected const string PathParameterSet = "Path";
    protected const string LiteralPathParameterSet = "LiteralPath";

    private readonly List<string> _folders = new();
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private PipelineBridge? _bridge;

    /// <summary>Service folders (wildcards allowed), or folders whose direct subfolders are service folders.</summary>
    [Parameter(Position = 0, ParameterSetName = PathParameterSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Path { get; set; }

    /// <summary>Service folders, taken exactly as written (no wildcards).</summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralPathParameterSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string[]? LiteralPath { get; set; }

    /// <summary>The config file to use instead of the service's config.yaml.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ConfigPath { get; set; }

    /// <summary>The migrations folder to use instead of the discovered one.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? MigrationsPath { get; set; }

    /// <summary>
    /// The CI system whose annotations (problems at file and line) and step summary to write: Auto detects GitHub Actions
    /// and Azure DevOps from the environment; None prints nothing. Without the parameter, $SharedMigrationsCIFormat decides.
    /// </summary>
    [Parameter]
    public CIFormat CIFormat { get; set; } = CIFormat.Auto;

    /// <summary>The name of the module preference variable that sets -CIFormat for every command.</summary>
    internal const string CIFormatPreference = "SharedMigrationsCIFormat";

    private CiReporter? _ci;

    /// <summary>Resolves service folders, in input order, each once.</summary>
    protected override void ProcessRecord()
    {
        if (ParameterSetName == LiteralPathParameterSet)
        {
            foreach (var literal in LiteralPath ?? [])
            {
                AddInput(SessionState.Path.GetUnresolvedProviderPathFromPSPath(literal), literal);
            }

            return;
        }

        if (Path is null)
        {
            AddInput(SessionState.Path.CurrentFileSystemLocation.ProviderPath, ".");
            return;
        }

        foreach (var path in Path)
        {
            IEnumerable<string> resolved;
            try
            {
                resolved = WildcardPattern.ContainsWildcardCharacters(path)
                    ? GetResolvedProviderPathFromPSPath(path, out _)
                    : [SessionState.Path.GetUnresolvedProviderPathFromPSPath(path)];
            }
            catch (ItemNotFoundException ex)
            {
                HadInputErrors = true;
                WriteError(new ErrorRecord(ex, "ServiceNotFound", ErrorCategory.ObjectNotFound, path));
                continue;
            }

            foreach (var folder in resolved)
            {
                AddInput(folder, path);
            }
        }
    }

    /// <summary>Works on the services gathered from the input.</summary>
    protected override void EndProcessing() => ProcessServices(_folders);

    /// <summary>Whether some input could not be resolved to a service folder (its error is written already).</summary>
    protected bool HadInputErrors { get; private set; }

    /// <summary>Cancels the engine (Ctrl+C): no migration is left half done and the run lock is released.</summary>
    protected override void StopProcessing() => _bridge?.Cancel();

    /// <summary>
    /// Whether a folder that is not a service folder is searched at any depth (Get-MigrationService -Recurse) or only directly below.
    /// </summary>
    protected virtual bool RecurseInput => false;

    /// <summary>Does the command's work over every service folder, in input order.</summary>
    protected abstract void ProcessServices(IReadOnlyList<string> folders);

    /// <summary>Opens a service folder, or writes the error and returns null.</summary>
    protected ServiceDefinition? OpenService(string folder)
    {
        try
        {
            var service = ServiceDiscovery.Open(
                folder,
                ConfigPath is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(ConfigPath),
                MigrationsPath is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(MigrationsPath));
            foreach (var warning in service.Configuration.Warnings)
            {
                WriteWarning($"{service.Name}: {warning}");
                WriteAnnotation(new Annotation(
                    AnnotationLevel.Warning,
                    $"{service.Name}: {warning.Message}",
                    warning.ConfigPath,
                    warning.Line,
                    "ConfigurationUnknownKey"));
            }

            return service;
        }
        catch (MigrationException ex)
        {
            WriteMigrationError(ex, folder);
            return null;
        }
    }

    /// <summary>Runs engine work on a worker thread while this (pipeline) thread writes what it produces; Ctrl+C cancels it.</summary>
    internal void RunOnWorker(Func<PipelineBridge, CancellationToken, Task> work)
    {
        using var bridge = new PipelineBridge(WriteUnexpectedError);
        _bridge = bridge;
        try
        {
            bridge.Run(token => work(bridge, token));
        }
        catch (OperationCanceledException) when (bridge.Token.IsCancellationRequested)
        {
            // Stopped (Ctrl+C): PowerShell reports the stop itself.
        }
        finally
        {
            _bridge = null;
        }
    }

    /// <summary>
    /// Writes a failure that no engine code raised on purpose (caught on a worker, in a continuation or in a posted action) as
    /// an UnexpectedError record naming the service (the one given, else the only one of the run), with the exception inside.
    /// </summary>
    internal void WriteUnexpectedError(Exception exception, string? service)
    {
        var name = service ?? (_folders.Count == 1 ? System.IO.Path.GetFileName(_folders[0]) : null);
        WriteMigrationError(
            UnexpectedErrorException.From(name, exception),
            (object?)service ?? (_folders.Count == 1 ? _folders[0] : _folders.ToArray()));
    }

    /// <summary>ShouldProcess from a worker: asked on the pipeline thread.</summary>
    internal Task<bool> ShouldProcessOnPipelineAsync(PipelineBridge bridge, string target, string action) =>
        bridge.InvokeAsync(() => ShouldProcess(target, action));

    /// <summary>The CI reporter of this command: -CIFormat, else $SharedMigrationsCIFormat, else Auto.</summary>
    internal CiReporter Ci => _ci ??= new CiReporter(ResolveCiFormat(), null, SessionState.Path.CurrentFileSystemLocation.ProviderPath);

    /// <summary>
    /// Writes an engine error as CI annotations at its files and lines, then as an ErrorRecord (which -ErrorAction Stop turns into a
    /// throw).
    /// </summary>
    internal void WriteMigrationError(MigrationException exception, object? target)
    {
        foreach (var annotation in Annotations.For(exception))
        {
            WriteAnnotation(annotation);
        }

        WriteError(ErrorRecords.From(exception, target));
    }

    /// <summary>Prints a CI annotation on the host (plain text, no colour); nothing outside CI.</summary>
    internal void WriteAnnotation(Annotation? annotation)
    {
        if (annotation is not null && Ci.FormatAnnotation(annotation) is { } line)
        {
            WriteCiLine(line);
        }
    }

    /// <summary>Writes a step summary (GitHub: appended to $GITHUB_STEP_SUMMARY; Azure DevOps: uploaded).</summary>
    internal void WriteSummary(string title, IReadOnlyList<SummaryRow> rows)
    {
        try
        {
            if (Ci.WriteSummary(title, rows) is { } line)
            {
                WriteCiLine(line);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            WriteWarning($"The CI step summary could not be written: {ex.Message}");
        }
    }

    private void WriteCiLine(string line)
    {
        if (Host?.UI is { } ui)
        {
            ui.WriteLine(line);
        }
        else
        {
            Console.Out.WriteLine(line);
        }
    }

    private Core.Ci.CiFormat ResolveCiFormat()
    {
        var chosen = CIFormat;
        if (!MyInvocation.BoundParameters.ContainsKey(nameof(CIFormat)) && GetVariableValue(CIFormatPreference) is { } preference)
        {
            var text = preference is PSObject wrapped ? wrapped.BaseObject?.ToString() : preference.ToString();
            if (!Enum.TryParse(text, ignoreCase: true, out chosen))
            {
                WriteWarning($"${CIFormatPreference} is '{text}', which is not one of Auto, None, GitHubActions, AzureDevOps; using Auto.");
                chosen = CIFormat.Auto;
            }
        }

        return OutputMapper.Map(chosen);
    }

    /// <summary>Whether -WhatIf is in effect (the parameter or $WhatIfPreference).</summary>
    internal bool WhatIfRequested =>
        MyInvocation.BoundParameters.TryGetValue("WhatIf", out var whatIf)
            ? LanguagePrimitives.IsTrue(whatIf)
            : LanguagePrimitives.IsTrue(GetVariableValue("WhatIfPreference"));

    private void AddInput(string path, string original)
    {
        if (!Directory.Exists(path))
        {
            HadInputErrors = true;
            var message = File.Exists(path)
                ? $"'{original}' is a file; give the service folder (the folder that holds config.yaml or migrations/)."
                : $"The service folder '{path}' does not exist.";
            WriteError(new ErrorRecord(
                new ServiceNotFoundException(message, path),
                "ServiceNotFound",
                ErrorCategory.ObjectNotFound,
                original));
            return;
        }

        IEnumerable<string> services;
        try
        {
            services = ServiceDiscovery.FindServiceFolders(path, RecurseInput).ToArray();
        }
        catch (MigrationException ex)
        {
            HadInputErrors = true;
            WriteMigrationError(ex, original);
            return;
        }

        var any = false;
        foreach (var service in services)
        {
            any = true;
            var full = System.IO.Path.GetFullPath(service).TrimEnd(System.IO.Path.DirectorySeparatorChar);
            if (_seen.Add(full))
            {
                _folders.Add(full);
            }
        }

        if (!any)
        {
            HadInputErrors = true;
            WriteError(new ErrorRecord(
                new ServiceNotFoundException(
                    $"'{path}' is not a service folder (no config.yaml, config/config.yaml or migrations/ folder) and has none directly " +
                        $"below it.",
                    path),
                "ServiceNotFound",
                ErrorCategory.ObjectNotFound,
                original));
        }
    }
}
