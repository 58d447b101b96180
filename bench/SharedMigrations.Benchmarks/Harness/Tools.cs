namespace SharedMigrations.Benchmarks.Harness;

/// <summary>A program to start: its file and the arguments that always come first (e.g. <c>dotnet pwsh.dll</c>).</summary>
public sealed record Executable(string FileName, IReadOnlyList<string> Prefix)
{
    public override string ToString() => string.Join(' ', new[] { FileName }.Concat(Prefix));
}

/// <summary>The external programs the benchmark starts: pwsh and psql.</summary>
public sealed class Tools
{
    public required Executable Pwsh { get; init; }

    public required string Psql { get; init; }

    /// <summary>
    /// pwsh: the given one, else <c>pwsh</c> on PATH, else the pinned local tool's own launcher (its apphost, which is
    /// what an installed pwsh is; <c>dotnet pwsh</c> would add the SDK's tool resolution to every start).
    /// psql: the given one, else the one beside the server's binaries for <paramref name="serverMajor"/>, else PATH.
    /// </summary>
    public static Tools Find(string? pwsh, string? psql, int serverMajor)
    {
        return new Tools { Pwsh = FindPwsh(pwsh), Psql = FindPsql(psql, serverMajor) };
    }

    private static Executable FindPwsh(string? given)
    {
        if (!string.IsNullOrEmpty(given))
        {
            return given.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? new Executable("dotnet", [given]) : new Executable(given, []);
        }

        if (OnPath(OperatingSystem.IsWindows() ? "pwsh.exe" : "pwsh") is { } onPath)
        {
            return new Executable(onPath, []);
        }

        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ??
            Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var tool = Path.Combine(packages, "powershell");
        if (Directory.Exists(tool))
        {
            var platform = OperatingSystem.IsWindows() ? "win" : "unix";
            foreach (var versionDir in Directory.EnumerateDirectories(tool).OrderByDescending(d => Version.TryParse(Path.GetFileName(d), out var v) ? v : new Version()))
            {
                foreach (var dir in Directory.EnumerateDirectories(Path.Combine(versionDir, "tools"), platform, SearchOption.AllDirectories))
                {
                    var apphost = Path.Combine(dir, OperatingSystem.IsWindows() ? "pwsh.exe" : "pwsh");
                    if (File.Exists(apphost))
                    {
                        return new Executable(apphost, []);
                    }

                    var dll = Path.Combine(dir, "pwsh.dll");
                    if (File.Exists(dll))
                    {
                        return new Executable("dotnet", [dll]);
                    }
                }
            }
        }

        return new Executable("dotnet", ["pwsh"]);
    }

    private static string FindPsql(string? given, int serverMajor)
    {
        if (!string.IsNullOrEmpty(given))
        {
            return given;
        }

        // Debian's /usr/bin/psql is a Perl wrapper (pg_wrapper) that costs a Perl start-up per call: use the real binary.
        var candidates = new[]
        {
            $"/usr/lib/postgresql/{serverMajor}/bin/psql",
            $"/usr/pgsql-{serverMajor}/bin/psql",
        };
        return candidates.FirstOrDefault(File.Exists) ?? OnPath("psql") ?? "psql";
    }

    private static string? OnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, name))
            .FirstOrDefault(File.Exists);
}
