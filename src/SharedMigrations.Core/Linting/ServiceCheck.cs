using SharedMigrations.Core.Database;
using SharedMigrations.Core.Errors;
using SharedMigrations.Core.Loading;
using SharedMigrations.Core.Model;

namespace SharedMigrations.Core.Linting;

/// <summary>
/// Checks a service folder: config.yaml (errors and unknown keys), the format rules of every file, and the safety analysis.
/// </summary>
internal static class ServiceCheck
{
    public const string RuleConfiguration = "Configuration";
    public const string RuleConfigurationUnknownKey = "ConfigurationUnknownKey";

    /// <summary>Checks one service folder offline; a folder that is not one throws <see cref="ServiceNotFoundException"/>.</summary>
    public static ServiceCheckResult Run(string folder, string? configPath = null, string? migrationsPath = null) =>
        RunAsync(folder, configPath, migrationsPath, null, CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>
    /// Checks one service folder. With <paramref name="online"/>, connects with the service's config and those overrides
    /// and reads the server version, the existing tables with their sizes and the applied versions (one round trip), so
    /// that tables that do not exist yet or are created by pending migrations raise no lock findings and the findings on
    /// the biggest tables come first. A connection failure throws <see cref="DatabaseConnectionException"/>.
    /// </summary>
    public static async Task<ServiceCheckResult> RunAsync(
        string folder,
        string? configPath,
        string? migrationsPath,
        ConnectionOverrides? online,
        CancellationToken cancellationToken)
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
                Diagnostics = [new MigrationDiagnostic(
                    ex.ConfigPath ?? folder,
                    ex.ConfigLine,
                    DiagnosticSeverity.Error,
                    RuleConfiguration,
                    ex.Message)],
            };
        }

        var configuration = service.Configuration;
        var diagnostics = configuration.Warnings
            .Select(w => new MigrationDiagnostic(w.ConfigPath, w.Line, DiagnosticSeverity.Warning, RuleConfigurationUnknownKey, w.Message))
            .ToList();
        var configFile = configuration.SourcePath ?? folder;
        foreach (var setting in configuration.Lint.Disable.Concat(configuration.Lint.Severity).Where(s => LintRules.Find(s.Rule) is null))
        {
            diagnostics.Add(new MigrationDiagnostic(configFile, setting.Line, DiagnosticSeverity.Warning, LintRules.LintPolicy,
                $"lint: names unknown rule '{setting.Rule}'; the setting has no effect")
            {
                Fix = "Use a rule id from docs/lint.md (Test-Migration's Rule column)",
            });
        }

        LiveSchema? live = null;
        if (online is not null)
        {
            live = await ReadLiveSchemaAsync(service, online, cancellationToken).ConfigureAwait(false);
        }

        var options = new LintOptions
        {
            PostgresVersion = configuration.Migration.PostgresVersion,
            HistoryTable = configuration.Migration.TableName,
            Policy = configuration.Lint,
            Live = live,
        };
        diagnostics.AddRange(MigrationLinter.Check(
            new MigrationLoader(service.MigrationsPath, serviceName: service.Name).Analyze(),
            options));
        return new ServiceCheckResult
        {
            Service = service.Name,
            Definition = service,
            Diagnostics = diagnostics,
            ServerVersion = live?.ServerVersion,
        };
    }

    private static async Task<LiveSchema> ReadLiveSchemaAsync(
        ServiceDefinition service,
        ConnectionOverrides overrides,
        CancellationToken cancellationToken)
    {
        var connection = ConnectionResolver.Resolve(service, overrides);
        var opener = new ConnectionOpener(DataSources.Get(connection), service.Name, connection.ConnectRetries, connection.Secrets);
        var history = service.Configuration.Migration.TableName;
        var (db, schema) = await opener.OpenAsync(
            c => LiveSchema.ReadAsync(c, history, cancellationToken),
            cancellationToken).ConfigureAwait(false);
        await db.DisposeAsync().ConfigureAwait(false);
        return schema;
    }
}
