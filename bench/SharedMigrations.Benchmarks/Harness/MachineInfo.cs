using System.Globalization;
using System.Runtime.InteropServices;

namespace SharedMigrations.Benchmarks.Harness;

/// <summary>What the figures were measured on: printed with the table, since they mean nothing without it.</summary>
public sealed class MachineInfo
{
    public required string Cpu { get; init; }

    public required int Cores { get; init; }

    public required string Memory { get; init; }

    public required string OperatingSystem { get; init; }

    public required string DotNet { get; init; }

    public string PowerShell { get; set; } = "?";

    public required string PostgreSql { get; init; }

    public required string DataDirectory { get; init; }

    public required string DataFileSystem { get; init; }

    public required bool OnTmpfs { get; init; }

    public required string ServerSettings { get; init; }

    public required string ServerSource { get; init; }

    public required string Psql { get; init; }

    public required string Pwsh { get; init; }

    public string LoadAtStart { get; init; } = ReadLoad();

    public string LoadAtEnd { get; set; } = "?";

    public static async Task<MachineInfo> ReadAsync(BenchDatabase database, Tools tools)
    {
        var version = await database.ScalarAsync<string>("SELECT version()").ConfigureAwait(false) ?? "?";
        var dataDirectory = await database.ScalarAsync<string>("SELECT current_setting('data_directory')").ConfigureAwait(false) ?? "?";
        var settings = await database.ScalarAsync<string>(
            "SELECT string_agg(name || '=' || setting, ', ' ORDER BY name) FROM pg_settings " +
            "WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes', 'shared_buffers', 'wal_level')").ConfigureAwait(false)
                ?? "?";
        var fileSystem = FileSystemOf(dataDirectory);
        return new MachineInfo
        {
            Cpu = ReadCpu(),
            Cores = Environment.ProcessorCount,
            Memory = ReadMemory(),
            OperatingSystem = ReadOs(),
            DotNet = RuntimeInformation.FrameworkDescription,
            PostgreSql = version.Split(" on ")[0],
            DataDirectory = dataDirectory,
            DataFileSystem = fileSystem,
            OnTmpfs = fileSystem == "tmpfs",
            ServerSettings = settings,
            ServerSource = database.Source,
            Psql = tools.Psql,
            Pwsh = tools.Pwsh.ToString(),
        };
    }

    public static string ReadLoad()
    {
        try
        {
            var parts = File.ReadAllText("/proc/loadavg").Split(' ');
            return $"{parts[0]} {parts[1]} {parts[2]}";
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return "?";
        }
    }

    private static string ReadCpu()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            if (line is not null)
            {
                return line[(line.IndexOf(':') + 1)..].Trim();
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }

        return RuntimeInformation.ProcessArchitecture.ToString();
    }

    private static string ReadMemory()
    {
        try
        {
            var line = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
            if (line is not null && long.TryParse(
                line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1],
                CultureInfo.InvariantCulture,
                out var kb))
            {
                return $"{kb / 1024.0 / 1024.0:0} GiB";
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }

        return "?";
    }

    private static string ReadOs()
    {
        try
        {
            var line = File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal));
            if (line is not null)
            {
                return $"{line["PRETTY_NAME=".Length..].Trim('"')} (kernel {Environment.OSVersion.Version})";
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }

        return RuntimeInformation.OSDescription;
    }

    /// <summary>The file system type of the mount holding <paramref name="path"/> (longest mount point that prefixes it).</summary>
    private static string FileSystemOf(string path)
    {
        try
        {
            var best = (Mount: string.Empty, Type: "?");
            foreach (var line in File.ReadLines("/proc/mounts"))
            {
                var parts = line.Split(' ');
                if (parts.Length < 3)
                {
                    continue;
                }

                var mount = parts[1].Replace("\\040", " ");
                var prefix = mount.EndsWith('/') ? mount : mount + "/";
                if ((path == mount || path.StartsWith(prefix, StringComparison.Ordinal)) && mount.Length >= best.Mount.Length)
                {
                    best = (mount, parts[2]);
                }
            }

            return best.Type;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return "?";
        }
    }
}
