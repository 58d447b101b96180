using SharedMigrations.Core.Errors;
using SharedMigrations.Core.Model;

namespace SharedMigrations.Core.Linting;

/// <summary>What Test-Migration reports for one service folder, offline: its config, its files, and the lint of each.</summary>
internal sealed class ServiceCheckResult
{
    public required string Service { get; init; }

    /// <summary>The service, or null when its config could not be read (then the first finding says why).</summary>
    public ServiceDefinition? Definition { get; init; }

    /// <summary>Config errors and unknown keys, then format errors, then lint, in file and line order.</summary>
    public required IReadOnlyList<MigrationDiagnostic> Diagnostics { get; init; }

    public bool HasErrors => Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error);
}
