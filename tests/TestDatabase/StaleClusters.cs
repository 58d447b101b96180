using System.Diagnostics;
using System.Globalization;

namespace SharedMigrations.Testing;

/// <summary>
/// Where local clusters live, and best-effort removal of directories left behind by killed runs: each cluster
/// directory holds a marker with the owning process id; when that process is gone, any postmaster still running
/// there is stopped and the directory is removed.
/// </summary>
internal static class StaleClusters
{
    private const long MinimumTmpfsFreeBytes = 1L << 30;
    private static int _cleaned;

    /// <summary>/dev/shm first when it exists with room to spare (tmpfs: no disk I/O), then the temp path.</summary>
    public static IEnumerable<string> Parents()
    {
        const string shm = "/dev/shm";
        if (!OperatingSystem.IsWindows() && Directory.Exists(shm) && FreeBytes(shm) >= MinimumTmpfsFreeBytes)
        {
            yield return shm;
        }

        yield return Path.GetTempPath();
    }

    public static void WriteMarker(string root, string binDir) =>
        File.WriteAllText(Path.Combine(root, LocalCluster.MarkerFileName),
            $"pid={Environment.ProcessId}\nbindir={binDir}\n");

    public static void CleanUpOnce(ServerUser user)
    {
        if (Interlocked.Exchange(ref _cleaned, 1) != 0)
        {
            return;
        }

        foreach (var parent in Parents())
        {
            try
            {
                foreach (var root in Directory.EnumerateDirectories(parent, LocalCluster.DirectoryPrefix + "*"))
                {
                    TryCleanUp(root, user);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // best effort
            }
        }
    }

    private static void TryCleanUp(string root, ServerUser user)
    {
        try
        {
            var marker = ReadMarker(root);
            if (marker is null || !int.TryParse(
                marker.GetValueOrDefault("pid"),
                CultureInfo.InvariantCulture,
                out var owner) || IsAlive(owner))
            {
                return; // no marker yet (being created), or its owner still runs
            }

            var dataDirectory = Path.Combine(root, "data");
            var postmaster = ReadPostmasterPid(dataDirectory);
            if (postmaster is { } pid && IsAlive(pid))
            {
                var pgCtl = Path.Combine(marker.GetValueOrDefault("bindir") ?? "", "pg_ctl");
                if (!File.Exists(pgCtl))
                {
                    return;
                }

                var stopped = CommandRunner.Run(user.Command(pgCtl, "stop", "-D", dataDirectory, "-m", "immediate", "-w", "-t", "20"),
                    root, TimeSpan.FromSeconds(30));
                if (!stopped.Succeeded && IsAlive(pid))
                {
                    return;
                }
            }

            LocalCluster.DeleteDirectory(root);
        }
        catch (
            Exception ex) when (
                ex is IOException or UnauthorizedAccessException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // best effort
        }
    }

    private static Dictionary<string, string>? ReadMarker(string root)
    {
        var path = Path.Combine(root, LocalCluster.MarkerFileName);
        if (!File.Exists(path))
        {
            return null;
        }

        return File.ReadAllLines(path)
            .Select(line => line.Split('=', 2))
            .Where(parts => parts.Length == 2)
            .ToDictionary(parts => parts[0], parts => parts[1]);
    }

    private static int? ReadPostmasterPid(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, "postmaster.pid");
        return File.Exists(path) && int.TryParse(File.ReadLines(path).FirstOrDefault(), CultureInfo.InvariantCulture, out var pid)
            ? pid
            : null;
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static long FreeBytes(string path)
    {
        try
        {
            return new DriveInfo(path).AvailableFreeSpace;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return 0;
        }
    }
}
