namespace SharedMigrations.Core.Configuration;

/// <summary>Something in config.yaml that is not an error but should not pass in silence (an unknown key).</summary>
public sealed record ConfigurationWarning(string ConfigPath, string Key, int? Line, string Message)
{
    public override string ToString() => Line is { } line
        ? $"{Path.GetFileName(ConfigPath)} line {line}: {Message}"
        : $"{Path.GetFileName(ConfigPath)}: {Message}";
}
