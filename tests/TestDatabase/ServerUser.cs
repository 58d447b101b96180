using System.Runtime.InteropServices;

namespace SharedMigrations.Testing;

/// <summary>
/// The OS user that runs initdb/pg_ctl. They refuse to run as root, so when this process is root they run as
/// the <c>postgres</c> user through runuser (or su), and the cluster directory is handed over to that user.
/// </summary>
internal sealed class ServerUser
{
    private const string PostgresUser = "postgres";

    private readonly string? _runUser; // runuser path, when running as another user through it
    private readonly string? _su;      // su path, the fallback

    private ServerUser(string? osUser, string? runUser, string? su)
    {
        OsUser = osUser;
        _runUser = runUser;
        _su = su;
    }

    /// <summary>The user commands run as, or null for the current user.</summary>
    public string? OsUser { get; }

    public static ServerUser Detect()
    {
        if (!IsRoot())
        {
            return new ServerUser(null, null, null);
        }

        if (CommandRunner.TryGetOutput("id", "-u", PostgresUser) is null)
        {
            throw new InvalidOperationException(
                $"this process runs as root, initdb/pg_ctl refuse to run as root and there is no '{PostgresUser}' OS user to run them as " +
                $"(create one, e.g. `useradd --system {PostgresUser}`, or run the tests as a normal user)");
        }

        var runUser = FindExecutable("runuser", "/usr/sbin", "/sbin", "/usr/bin", "/bin");
        var su = runUser is null ? FindExecutable("su", "/bin", "/usr/bin") : null;
        if (runUser is null && su is null)
        {
            throw new InvalidOperationException(
                $"this process runs as root and neither runuser nor su was found to run initdb/pg_ctl as '{PostgresUser}'");
        }

        return new ServerUser(PostgresUser, runUser, su);
    }

    public CommandLine Command(string executable, params string[] arguments)
    {
        if (OsUser is null)
        {
            return new CommandLine(executable, arguments);
        }

        if (_runUser is not null)
        {
            return new CommandLine(_runUser, ["-u", OsUser, "--", executable, .. arguments]);
        }

        var script = string.Join(' ', new[] { executable }.Concat(arguments).Select(ShellQuote));
        return new CommandLine(_su!, [OsUser, "-s", "/bin/sh", "-c", script]);
    }

    /// <summary>Makes <paramref name="directory"/> (recursively) owned by the server user, when that is not us.</summary>
    public void TakeOwnership(string directory)
    {
        if (OsUser is null)
        {
            return;
        }

        var result = CommandRunner.Run(new CommandLine("chown", ["-R", OsUser, directory]), Path.GetTempPath(), TimeSpan.FromSeconds(30));
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"chown -R {OsUser} {directory} failed: {result.Output}");
        }
    }

    private static bool IsRoot()
    {
        if (OperatingSystem.IsWindows())
        {
            return false;
        }

        try
        {
            return NativeMethods.geteuid() == 0;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return Environment.UserName == "root" || CommandRunner.TryGetOutput("id", "-u") == "0";
        }
    }

    private static string? FindExecutable(string name, params string[] directories)
    {
        var path = Environment.GetEnvironmentVariable("PATH")?.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries) ?? [];
        return directories.Concat(path).Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);
    }

    private static string ShellQuote(string value) => "'" + value.Replace("'", "'\\''") + "'";

    private static class NativeMethods
    {
        [DllImport("libc", SetLastError = false)]
        internal static extern uint geteuid();
    }
}
