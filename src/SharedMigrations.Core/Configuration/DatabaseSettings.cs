namespace SharedMigrations.Core.Configuration;

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
