namespace SharedMigrations.Core.Model;

/// <summary>Severity of a finding about a migration file.</summary>
public enum DiagnosticSeverity
{
    Error,
    Warning,
    Information,
}
