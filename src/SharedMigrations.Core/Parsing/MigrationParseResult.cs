using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using SharedMigrations.Core.Errors;
using SharedMigrations.Core.Model;

namespace SharedMigrations.Core.Parsing;

/// <summary>What parsing one file gave: the migration when the file is valid, and every finding.</summary>
internal sealed class MigrationParseResult
{
    internal MigrationParseResult(Migration? migration, IReadOnlyList<MigrationDiagnostic> diagnostics)
    {
        Migration = migration;
        Diagnostics = diagnostics;
    }

    /// <summary>The migration, or null when the file has errors.</summary>
    public Migration? Migration { get; }

    /// <summary>Errors (and warnings) about the file.</summary>
    public IReadOnlyList<MigrationDiagnostic> Diagnostics { get; }

    public bool HasErrors => Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error);
}
