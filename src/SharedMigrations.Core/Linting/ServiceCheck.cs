using SharedMigrations.Core.Errors;
using SharedMigrations.Core.Loading;
using SharedMigrations.Core.Model;

namespace SharedMigrations.Core.Linting;

/// <summary>Checks a service folder without a database: config.yaml (errors and unknown keys), the format rules of every file, and the lint rules.</summary>
internal static class ServiceCheck
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
