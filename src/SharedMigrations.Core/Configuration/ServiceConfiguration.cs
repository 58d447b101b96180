namespace SharedMigrations.Core.Configuration;

/// <summary>How New-Migration numbers new files.</summary>
public enum VersioningScheme
{
    /// <summary>The highest version plus one, zero-padded to the width in use (001, 002, …).</summary>
    Sequential,

    /// <summary>The current UTC time as yyyyMMddHHmmss.</summary>
    Timestamp,
}

/// <summary>The <c>database:</c> section. Values are already expanded from the environment.</summary>
public sealed class DatabaseSettings
{
    public string? Host { get; init; }

    public int? Port { get; init; }

    public string? Username { get; init; }

    /// <summary>The password. Never printed: every message goes through <see cref="Database.SecretRedactor"/>.</summary>
    public string? Password { get; init; }

    public string? Database { get; init; }

    public string? SslMode { get; init; }

    /// <summary>A full Npgsql connection string, used instead of the fields above when given.</summary>
    public string? ConnectionString { get; init; }

    /// <summary>How long one connection attempt may take (<c>database.connect_timeout</c>).</summary>
    public TimeSpan? ConnectTimeout { get; init; }

    /// <summary>How many more times a failed connection attempt is retried, with backoff (<c>database.connect_retries</c>).</summary>
    public int? ConnectRetries { get; init; }

    /// <summary>Keys of this section whose <c>${VAR}</c> was not set and had no default: key → variable.</summary>
    public IReadOnlyDictionary<string, string> UnresolvedVariables { get; init; } = new Dictionary<string, string>();
}

/// <summary>The <c>migration:</c> section, with the defaults of the specification.</summary>
public sealed class MigrationSettings
{
    public HistoryTableName TableName { get; init; } = HistoryTableName.Default;

    public bool ChecksumValidation { get; init; } = true;

    public bool RollbackSafety { get; init; } = true;

    public bool OutOfOrder { get; init; }

    public TimeSpan LockWait { get; init; } = TimeSpan.FromSeconds(60);

    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan StatementTimeout { get; init; } = TimeSpan.Zero;

    public VersioningScheme Versioning { get; init; } = VersioningScheme.Sequential;

    /// <summary><c>migration.directory</c>: the migrations folder, relative to the service folder.</summary>
    public string? Directory { get; init; }

    /// <summary><c>migration.templates</c>: a team's shared templates folder, relative to the service folder.</summary>
    public string? Templates { get; init; }

    /// <summary><c>migration.schemas</c>: the schemas a schema snapshot covers (null: every non-system schema).</summary>
    public IReadOnlyList<string>? Schemas { get; init; }

    /// <summary><c>migration.schema_file</c>: the schema file, relative to the service folder, rewritten after each changing up or down.</summary>
    public string? SchemaFile { get; init; }

    /// <summary><c>migration.on_drift</c>: what Invoke-MigrationUp does when the schema changed outside the migrations.</summary>
    public Schema.DriftAction OnDrift { get; init; } = Schema.DriftAction.Warn;
}

/// <summary>Something in config.yaml that is not an error but should not pass in silence (an unknown key).</summary>
public sealed record ConfigurationWarning(string ConfigPath, string Key, int? Line, string Message)
{
    public override string ToString() => Line is { } line
        ? $"{Path.GetFileName(ConfigPath)} line {line}: {Message}"
        : $"{Path.GetFileName(ConfigPath)}: {Message}";
}

/// <summary>A service's config.yaml, read and checked.</summary>
public sealed class ServiceConfiguration
{
    public static readonly ServiceConfiguration Empty = new();

    /// <summary>The file it was read from, or null when the service has none.</summary>
    public string? SourcePath { get; init; }

    /// <summary><c>service.name</c>.</summary>
    public string? ServiceName { get; init; }

    /// <summary><c>service.depends_on</c>.</summary>
    public IReadOnlyList<string> DependsOn { get; init; } = Array.Empty<string>();

    public DatabaseSettings Database { get; init; } = new();

    public MigrationSettings Migration { get; init; } = new();

    /// <summary>Unknown keys and similar findings, each naming its key and line.</summary>
    public IReadOnlyList<ConfigurationWarning> Warnings { get; init; } = Array.Empty<ConfigurationWarning>();
}
