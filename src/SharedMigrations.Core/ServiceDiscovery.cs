using SharedMigrations.Core.Configuration;
using SharedMigrations.Core.Errors;

namespace SharedMigrations.Core;

/// <summary>Finds service folders and reads them into <see cref="ServiceDefinition"/>s.</summary>
public static class ServiceDiscovery
{
    public const string ConfigFileName = "config.yaml";
    public const string ConfigFolderName = "config";
    public const string MigrationsFolderName = "migrations";

    /// <summary>Whether a folder is a service folder: it holds config.yaml, config/config.yaml or a migrations folder.</summary>
    public static bool IsServiceFolder(string directory) =>
        FindConfigFile(directory) is not null || Directory.Exists(System.IO.Path.Combine(directory, MigrationsFolderName));

    /// <summary>config.yaml, else config/config.yaml, under a service folder; null when neither exists.</summary>
    public static string? FindConfigFile(string directory)
    {
        var direct = System.IO.Path.Combine(directory, ConfigFileName);
        if (File.Exists(direct))
        {
            return direct;
        }

        var nested = System.IO.Path.Combine(directory, ConfigFolderName, ConfigFileName);
        return File.Exists(nested) ? nested : null;
    }

    /// <summary>
    /// The folder itself when it is a service folder, else the service folders below it (directly, or at any depth with
    /// <paramref name="recurse"/>).
    /// </summary>
    public static IEnumerable<string> FindServiceFolders(string directory, bool recurse = false)
    {
        var root = System.IO.Path.GetFullPath(directory);
        if (!Directory.Exists(root))
        {
            throw new ServiceNotFoundException($"The folder '{root}' does not exist.", root);
        }

        if (IsServiceFolder(root))
        {
            return [root];
        }

        return Below(root, recurse);

        static IEnumerable<string> Below(string folder, bool deep)
        {
            IEnumerable<string> children;
            try
            {
                children = Directory.EnumerateDirectories(folder).OrderBy(d => d, StringComparer.Ordinal).ToArray();
            }
            catch (UnauthorizedAccessException)
            {
                yield break;
            }

            foreach (var child in children)
            {
                var name = System.IO.Path.GetFileName(child);
                if (name.StartsWith('.') || name is "node_modules" or "bin" or "obj")
                {
                    continue;
                }

                if (IsServiceFolder(child))
                {
                    yield return child;
                }
                else if (deep)
                {
                    foreach (var found in Below(child, deep))
                    {
                        yield return found;
                    }
                }
            }
        }
    }

    /// <summary>Reads a service folder. <paramref name="configPath"/> and <paramref name="migrationsPath"/> override discovery.</summary>
    public static ServiceDefinition Open(
        string servicePath,
        string? configPath = null,
        string? migrationsPath = null,
        Func<string, string?>? getVariable = null)
    {
        var path = System.IO.Path.GetFullPath(servicePath);
        if (!Directory.Exists(path))
        {
            throw new ServiceNotFoundException($"The service folder '{path}' does not exist.", path);
        }

        string? config = null;
        if (configPath is not null)
        {
            config = System.IO.Path.GetFullPath(configPath, path);
            if (!File.Exists(config))
            {
                throw new ServiceNotFoundException($"The config file '{config}' does not exist.", config);
            }
        }
        else
        {
            config = FindConfigFile(path);
        }

        string? migrations = migrationsPath is null ? null : System.IO.Path.GetFullPath(migrationsPath, path);
        if (config is null && migrations is null && !IsServiceFolder(path))
        {
            throw new ServiceNotFoundException(
                $"'{path}' is not a service folder: it has no {ConfigFileName}, no {ConfigFolderName}/{ConfigFileName} and " +
                    $"no {MigrationsFolderName} folder.",
                path);
        }

        var configuration = config is null ? ServiceConfiguration.Empty : ConfigurationLoader.Load(config, getVariable);
        migrations ??= configuration.Migration.Directory is { } dir
            ? System.IO.Path.GetFullPath(dir, path)
            : System.IO.Path.Combine(path, MigrationsFolderName);

        var name = configuration.ServiceName
            ?? System.IO.Path.GetFileName(path.TrimEnd(System.IO.Path.DirectorySeparatorChar, System.IO.Path.AltDirectorySeparatorChar));
        return new ServiceDefinition(name, path, config, migrations, configuration);
    }
}
