namespace SharedMigrations.Core;

/// <summary>What Test-Migration reports for one service folder, offline: its config, its files, and the lint of each.</summary>
public sealed class ServiceCheckResult
{
    public required string Service { get; init; }

    /// <summary>The service, or null when its config could not be read (then the first finding says why).</summary>
    public ServiceDefinition? Definition { get; init; }

    /// <summary>Config errors and unknown keys, then format errors, then lint, in file and line order.</summary>
    public required IReadOnlyList<MigrationDiagnostic> Diagnostics { get; init; }

    public bool HasErrors => Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error);
}

/// <summary>Checks a service folder without a database: config.yaml (errors and unknown keys), the format rules of every file, and the lint rules.</summary>
public static class ServiceCheck
{
    public const string RuleConfiguration = "Configuration";
    public const string RuleConfigurationUnknownKey = "ConfigurationUnknownKey";

    /// <summary>Checks one service folder; a folder that is not one throws <see cref="ServiceNotFoundException"/>.</summary>
    public static ServiceCheckResult Run(string folder, string? configPath = null, string? migrationsPath = null)
    {
        ServiceDefinition service;
        try
        {
            service = ServiceDiscovery.Open(folder, configPath, migrationsPath);
        }
        catch (ConfigurationException ex)
        {
            return new ServiceCheckResult
            {
                Service = Path.GetFileName(Path.TrimEndingDirectorySeparator(folder)),
                Diagnostics = [new MigrationDiagnostic(ex.ConfigPath ?? folder, ex.ConfigLine, DiagnosticSeverity.Error, RuleConfiguration, ex.Message)],
            };
        }

        var diagnostics = service.Configuration.Warnings
            .Select(w => new MigrationDiagnostic(w.ConfigPath, w.Line, DiagnosticSeverity.Warning, RuleConfigurationUnknownKey, w.Message))
            .ToList();
        diagnostics.AddRange(MigrationLinter.Check(new MigrationLoader(service.MigrationsPath, serviceName: service.Name).Analyze()));
        return new ServiceCheckResult { Service = service.Name, Definition = service, Diagnostics = diagnostics };
    }
}
