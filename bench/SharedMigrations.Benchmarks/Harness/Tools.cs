namespace SharedMigrations.Benchmarks.Harness;

/// <summary>A program to start: its file and the arguments that always come first (e.g. <c>dotnet pwsh.dll</c>).</summary>
public sealed record Executable(string FileName, IReadOnlyList<string> Prefix)
{
    public override string ToString() => string.Join(' ', new[] { FileName }.Concat(Prefix));
}

/// <summary>The external programs the benchmark starts: pwsh and psql, and the peers sql-migrate and dbmate when installed.</summary>
public sealed class Tools
{
    public required Executable Pwsh { get; init; }

    public required string Psql { get; init; }

    /// <summary>sql-migrate (Go; Debian package <c>sql-migrate</c>), or null with <see cref="SqlMigrateMissing"/> saying why.</summary>
    public string? SqlMigrate { get; init; }

    public string? SqlMigrateMissing { get; init; }

    /// <summary>
    /// dbmate's own binary (Go; npm package <c>dbmate</c>, never its Node.js launcher), or null with <see cref="DbmateMissing"/>.
    /// </summary>
    public string? Dbmate { get; init; }

    public string? DbmateMissing { get; init; }

    /// <summary>
    /// pwsh: the given one, else <c>pwsh</c> on PATH, else the pinned local tool's own launcher (its apphost, which is
    /// what an installed pwsh is; <c>dotnet pwsh</c> would add the SDK's tool resolution to every start).
    /// psql: the given one, else the one beside the server's binaries for <paramref name="serverMajor"/>, else PATH.
    /// </summary>
    public static Tools Find(string? pwsh, string? psql, int serverMajor, string? sqlMigrate = null, string? dbmate = null)
    {
        var sm = !string.IsNullOrEmpty(sqlMigrate) ? sqlMigrate : OnPath("sql-migrate");
        var dm = FindDbmate(dbmate);
        return new Tools
        {
            Pwsh = FindPwsh(pwsh),
            Psql = FindPsql(psql, serverMajor),
            SqlMigrate = sm is not null && File.Exists(sm) ? sm : null,
            SqlMigrateMissing = sm is not null
                && File.Exists(sm) ? null : "not installed (Debian: apt-get install sql-migrate; or --sql-migrate <path>)",
            Dbmate = dm,
            DbmateMissing = dm is null
                ? "not installed (npm install dbmate, or --dbmate <path>; build.ps1 Bench installs it into out/bench-tools when npm is " +
                    "there)"
                : null,
        };
    }

    /// <summary>
    /// dbmate: the given path, else PATH. npm's <c>dbmate</c> command is a Node.js launcher that starts the Go binary of
    /// the package <c>@dbmate/&lt;os&gt;-&lt;arch&gt;</c>; that binary is used directly, so Node.js's start-up is not timed.
    /// </summary>
    private static string? FindDbmate(string? given)
    {
        var found = !string.IsNullOrEmpty(given) ? given : OnPath("dbmate");
        if (found is null || !File.Exists(found))
        {
            return null;
        }

        var real = new FileInfo(found).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? found;
        var head = File.ReadAllBytes(real).Take(2).ToArray();
        if (head is [(byte)'#', (byte)'!'])
        {
            // .../node_modules/dbmate/dist/cli.js (or .bin/dbmate) -> .../node_modules/@dbmate/<platform>/bin/dbmate
            for (var dir = Path.GetDirectoryName(real); dir is not null; dir = Path.GetDirectoryName(dir))
            {
                if (Path.GetFileName(dir) == "node_modules" && Directory.Exists(Path.Combine(dir, "@dbmate")))
                {
                    return Directory.EnumerateFiles(Path.Combine(dir, "@dbmate"), "dbmate", SearchOption.AllDirectories)
                        .FirstOrDefault(f => Path.GetFileName(Path.GetDirectoryName(f)) == "bin");
                }
            }

            return null;
        }

        return real;
    }

    private static Executable FindPwsh(string? given)
    {
        if (!string.IsNullOrEmpty(given))
        {
            return given.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? new Executable("dotnet", [given]) : new Executable(
                given,
                []);
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
            foreach (var versionDir in Directory.EnumerateDirectories(tool).OrderByDescending(d => Version.TryParse(
                Path.GetFileName(d),
                out var v) ? v : new Version()))
            {
                foreach (var dir in Directory.EnumerateDirectories(
                    Path.Combine(versionDir, "tools"),
                    platform,
                    SearchOption.AllDirectories))
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
