namespace SharedMigrations.Core.Errors;

/// <summary>A config.yaml that cannot be used: bad YAML, a wrong type, a bad duration, an unset variable.</summary>
public sealed class ConfigurationException : MigrationException
{
    public ConfigurationException(
        string message,
        string? configPath = null,
        string? key = null,
        int? line = null,
        Exception? innerException = null)
        : base(message, innerException)
    {
        ConfigPath = configPath;
        Key = key;
        ConfigLine = line;
    }

    public string? ConfigPath { get; }

    /// <summary>The dotted key the error is about, for example <c>migration.lock_wait</c>.</summary>
    public string? Key { get; }

    public int? ConfigLine { get; }

    public override string ErrorId => "ConfigurationInvalid";

    public override MigrationErrorKind Kind => MigrationErrorKind.InvalidData;

    public override string? FilePath => ConfigPath;

    public override int? Line => ConfigLine;
}
