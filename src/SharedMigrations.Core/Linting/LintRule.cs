using SharedMigrations.Core.Model;

namespace SharedMigrations.Core.Linting;

/// <summary>One rule of the safety analysis: its stable id, default severity and a one-line summary (SARIF rule metadata).</summary>
internal sealed record LintRule(string Id, DiagnosticSeverity Severity, string Summary);
