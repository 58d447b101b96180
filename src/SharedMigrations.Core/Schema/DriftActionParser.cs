namespace SharedMigrations.Core.Schema;

/// <summary>Reads the <c>migration.on_drift</c> value.</summary>
internal static class DriftActionParser
{
    /// <summary>The action for <c>warn</c> or <c>refuse</c> (any case), or null for anything else.</summary>
    public static DriftAction? Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "warn" => DriftAction.Warn,
        "refuse" => DriftAction.Refuse,
        _ => null,
    };
}
