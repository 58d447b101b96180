namespace SharedMigrations.Testing;

/// <summary>A directory holding the PostgreSQL server programs (initdb, pg_ctl, postgres).</summary>
internal sealed class PostgresBinaries
{
    /// <summary>When set, only this directory is used (handy to select a version, or to simulate "no binaries").</summary>
    public const string BinDirEnvironmentVariable = "SHAREDMIGRATIONS_TEST_PG_BINDIR";

    private static readonly string Suffix = OperatingSystem.IsWindows() ? ".exe" : "";

    private PostgresBinaries(string binDir)
    {
        BinDir = binDir;
    }

    public string BinDir { get; }
    public string InitDb => Path.Combine(BinDir, "initdb" + Suffix);
    public string PgCtl => Path.Combine(BinDir, "pg_ctl" + Suffix);

    /// <summary>Candidate directories, best first, and a description of where it looked.</summary>
    public static (IReadOnlyList<PostgresBinaries> Found, string Searched) Find()
    {
        var overridden = Environment.GetEnvironmentVariable(BinDirEnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(overridden))
        {
            var only = IsServerBinDir(overridden) ? [new PostgresBinaries(Path.GetFullPath(overridden))] : Array.Empty<PostgresBinaries>();
            return (only, $"{BinDirEnvironmentVariable}={overridden}");
        }

        var candidates = new List<string>();
        candidates.AddRange(Environment.GetEnvironmentVariable("PATH")?.Split(
            Path.PathSeparator,
            StringSplitOptions.RemoveEmptyEntries) ?? []);
        if (CommandRunner.TryGetOutput("pg_config", "--bindir") is { Length: > 0 } pgConfigBinDir)
        {
            candidates.Add(pgConfigBinDir);
        }

        candidates.AddRange(VersionedDirectories("/usr/lib/postgresql", "bin"));        // Debian, Ubuntu
        candidates.AddRange(VersionedDirectories("/usr", "bin", namePrefix: "pgsql-")); // RHEL, Fedora (PGDG)

        var found = candidates
            .Where(IsServerBinDir)
            .Select(ResolveSymlinkedDirectory)
            .Distinct(StringComparer.Ordinal)
            .Select(d => new PostgresBinaries(d))
            .ToList();
        return (found, "PATH, `pg_config --bindir`, /usr/lib/postgresql/*/bin, /usr/pgsql-*/bin");
    }

    private static bool IsServerBinDir(string directory) =>
        File.Exists(Path.Combine(directory, "initdb" + Suffix)) &&
        File.Exists(Path.Combine(directory, "pg_ctl" + Suffix)) &&
        File.Exists(Path.Combine(directory, "postgres" + Suffix));

    /// <summary>
    /// /usr/local/bin/initdb -> /usr/lib/postgresql/15/bin/initdb gives /usr/lib/postgresql/15/bin (clearer in messages).
    /// </summary>
    private static string ResolveSymlinkedDirectory(string directory)
    {
        try
        {
            var target = new FileInfo(Path.Combine(directory, "initdb" + Suffix)).ResolveLinkTarget(returnFinalTarget: true);
            if (target is not null && Path.GetDirectoryName(target.FullName) is { } resolved && IsServerBinDir(resolved))
            {
                return resolved;
            }
        }
        catch (IOException)
        {
            // keep the directory as found
        }

        return Path.GetFullPath(directory);
    }

    /// <summary>E.g. /usr/lib/postgresql/{17,15,9.6}/bin, highest version first.</summary>
    private static IEnumerable<string> VersionedDirectories(string parent, string child, string namePrefix = "")
    {
        if (!Directory.Exists(parent))
        {
            return [];
        }

        return Directory.EnumerateDirectories(parent, namePrefix + "*")
            .Select(d => (
                Dir: d,
                Version: Version.TryParse(
                    Path.GetFileName(d)[namePrefix.Length..] is var v && v.Contains('.') ? v : v + ".0",
                    out var version) ? version : null))
            .Where(x => x.Version is not null)
            .OrderByDescending(x => x.Version)
            .Select(x => Path.Combine(x.Dir, child));
    }
}
