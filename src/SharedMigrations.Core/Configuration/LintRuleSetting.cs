using SharedMigrations.Core.Model;

namespace SharedMigrations.Core.Configuration;

/// <summary>One rule named in the <c>lint:</c> section of config.yaml, with the line it is on.</summary>
public sealed record LintRuleSetting(string Rule, DiagnosticSeverity? Severity, int? Line);
