using SharedMigrations.Core.Model;

namespace SharedMigrations.Core.Configuration;

/// <summary>A service's config.yaml, read and checked.</summary>
public sealed class ServiceConfiguration
{
    public static readonly ServiceConfiguration Empty = new();

    /// <summary>The file it was read from, or null when the service has none.</summary>
    public string? SourcePath { get; init; }

    /// <summary><c>service.name</c>.</summary>
    public string? ServiceName { get; init; }

    /// <summary><c>service.depends_on</c>.</summary>
    public IReadOnlyList<string> DependsOn { get; init; } = Array.Empty<string>();

    public DatabaseSettings Database { get; init; } = new();

    public MigrationSettings Migration { get; init; } = new();

    /// <summary>The <c>lint:</c> section: Test-Migration's policy for this service.</summary>
    public LintSettings Lint { get; init; } = LintSettings.Empty;

    /// <summary>Unknown keys and similar findings, each naming its key and line.</summary>
    public IReadOnlyList<ConfigurationWarning> Warnings { get; init; } = Array.Empty<ConfigurationWarning>();
}
