namespace SharedMigrations.Core.Configuration;

/// <summary>The <c>lint:</c> section of config.yaml: <c>disable: [RuleId, ...]</c> and <c>severity: {RuleId: Error}</c>.</summary>
public sealed class LintSettings
{
    public static readonly LintSettings Empty = new();

    /// <summary>Rules never reported for this service.</summary>
    public IReadOnlyList<LintRuleSetting> Disable { get; init; } = Array.Empty<LintRuleSetting>();

    /// <summary>Rules reported with another severity than their default.</summary>
    public IReadOnlyList<LintRuleSetting> Severity { get; init; } = Array.Empty<LintRuleSetting>();
}
