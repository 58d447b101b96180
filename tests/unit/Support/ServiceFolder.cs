using System.Text;
using SharedMigrations.Core;
using SharedMigrations.Core.Database;

namespace SharedMigrations.Tests.Support;

/// <summary>A service folder in a temp directory, with a config and migration files; deleted when disposed.</summary>
public sealed class ServiceFolder : IDisposable
{
    public ServiceFolder(string name = "svc")
    {
        Root = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "sm-tests", Guid.NewGuid().ToString("N")[..12]);
        Path = System.IO.Path.Combine(Root, name);
        Directory.CreateDirectory(MigrationsPath);
    }

    public string Root { get; }

    public string Path { get; }

    public string MigrationsPath => System.IO.Path.Combine(Path, "migrations");

    /// <summary>Writes a migration file from UP and DOWN sections (and extra header lines).</summary>
    public string Add(string fileName, string up, string? down = null, string? headers = null)
    {
        var text = new StringBuilder();
        text.Append("-- Migration: ").Append(System.IO.Path.GetFileNameWithoutExtension(fileName)).Append('\n');
        if (headers is not null)
        {
            text.Append(headers.TrimEnd()).Append('\n');
        }

        text.Append("\n-- +++++ UP\n").Append(up.TrimEnd()).Append('\n');
        if (down is not null)
        {
            text.Append("\n-- +++++ DOWN\n").Append(down.TrimEnd()).Append('\n');
        }

        return Write(fileName, text.ToString());
    }

    /// <summary>Writes a file into the migrations folder as-is.</summary>
    public string Write(string fileName, string content)
    {
        var path = System.IO.Path.Combine(MigrationsPath, fileName);
        File.WriteAllText(path, content, new UTF8Encoding(false));
        return path;
    }

    public void Config(string yaml) => File.WriteAllText(System.IO.Path.Combine(Path, "config.yaml"), yaml);

    public ServiceDefinition Definition() => ServiceDiscovery.Open(Path);

    public MigrationService Service(string connectionString) =>
        MigrationService.ForService(Definition(), new ConnectionOverrides { ConnectionString = connectionString });

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
