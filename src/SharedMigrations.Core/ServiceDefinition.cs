using SharedMigrations.Core.Configuration;

namespace SharedMigrations.Core;

/// <summary>A service folder: its name, config and migrations folder.</summary>
public sealed class ServiceDefinition
{
    internal ServiceDefinition(string name, string path, string? configPath, string migrationsPath, ServiceConfiguration configuration)
    {
        Name = name;
        Path = path;
        ConfigPath = configPath;
        MigrationsPath = migrationsPath;
        Configuration = configuration;
    }

    /// <summary><c>service.name</c> from the config, else the folder's name.</summary>
    public string Name { get; }

    /// <summary>The service folder (full path).</summary>
    public string Path { get; }

    /// <summary>The config file, or null when the service has none.</summary>
    public string? ConfigPath { get; }

    /// <summary>The migrations folder (full path; it may not exist yet).</summary>
    public string MigrationsPath { get; }

    public ServiceConfiguration Configuration { get; }

    /// <summary>Services whose pending migrations run before this one's.</summary>
    public IReadOnlyList<string> DependsOn => Configuration.DependsOn;

    /// <summary>
    /// The database name the service uses, as far as the config tells (null when only a connection string or PG* variables say).
    /// </summary>
    public string? DatabaseName => Configuration.Database.Database;

    public override string ToString() => Name;
}
