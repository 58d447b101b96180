using SharedMigrations.Core.Errors;
using SharedMigrations.Core.Model;

namespace SharedMigrations.Core.Linting;

/// <summary>What Test-Migration reports for one service folder: its config, its files, and the safety analysis of each.</summary>
internal sealed class ServiceCheckResult
{
    public required string Service { get; init; }

    /// <summary>The service, or null when its config could not be read (then the first finding says why).</summary>
    public ServiceDefinition? Definition { get; init; }

    /// <summary>Config errors and unknown keys, then format errors, then lint, in file and line order (online: big tables first).</summary>
    public required IReadOnlyList<MigrationDiagnostic> Diagnostics { get; init; }

    /// <summary>Online: the server's major version that the analysis used; null offline.</summary>
    public int? ServerVersion { get; init; }

    public bool HasErrors => Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error);
}
