using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SharedMigrations.Core.Errors;
using SharedMigrations.Core.Model;
using SharedMigrations.Core.Parsing;

namespace SharedMigrations.Core.Loading;

/// <summary>Reads a service's migrations folder into migrations. Only <c>.sql</c> files directly in the folder count.</summary>
internal sealed class MigrationLoader
{
    private readonly ILogger _logger;

    public MigrationLoader(string migrationsPath, string? serviceName = null)
        : this(migrationsPath, null, serviceName)
    {
    }

    public MigrationLoader(string migrationsPath, ILogger? logger, string? serviceName = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(migrationsPath);
        MigrationsPath = Path.GetFullPath(migrationsPath);
        ServiceName = serviceName;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The folder the migrations are read from.</summary>
    public string MigrationsPath { get; }

    /// <summary>The service the folder belongs to, used in messages.</summary>
    public string? ServiceName { get; }

    /// <summary>The readings this loader reuses: the process-wide cache.</summary>
    private static FolderReadingCache Cache => FolderReadingCache.Shared;

    /// <summary>How many migration files the folder holds, without reading them.</summary>
    public int CountFiles() =>
        Directory.Exists(MigrationsPath)
            ? Directory.EnumerateFiles(MigrationsPath).Count(f => MigrationFileName.IsCandidate(Path.GetFileName(f)))
            : 0;

    /// <summary>Reads every migration and returns them with every finding; throws only when the folder itself cannot be read.</summary>
    public MigrationSet Analyze()
    {
        if (!Directory.Exists(MigrationsPath))
        {
            // A service without migrations yet is valid: it simply has nothing to run.
            _logger.LogDebug("Migrations folder {Path} does not exist; no migrations.", MigrationsPath);
            return new MigrationSet(MigrationsPath, Array.Empty<Migration>(), Array.Empty<MigrationDiagnostic>());
        }

        var entries = new DirectoryInfo(MigrationsPath)
            .EnumerateFiles(
                "*",
                new EnumerationOptions
                {
                    RecurseSubdirectories = false,
                    IgnoreInaccessible = false,
                    AttributesToSkip = FileAttributes.Hidden | FileAttributes.System,
                })
            .Where(f => MigrationFileName.IsCandidate(f.Name))
            .OrderBy(f => f.Name, StringComparer.Ordinal)
            .ToArray();

        // Reuse the last reading of this folder while no file was added, removed, resized or rewritten since (FolderReadingCache).
        var fingerprint = new FolderFingerprint(entries.Select(f => (f.Name, f.Length, f.LastWriteTimeUtc.Ticks)).ToArray());
        if (Cache.TryGet(MigrationsPath, fingerprint, out var cached))
        {
            return cached;
        }

        var files = entries.Select(f => f.FullName).ToArray();

        // One thread: parsing is cheap and allocation-bound, and threads cost more CPU than they save on small machines.
        var results = new MigrationParseResult[files.Length];
        for (var i = 0; i < files.Length; i++)
        {
            results[i] = MigrationParser.ParseFile(files[i]);
        }

        var diagnostics = new List<MigrationDiagnostic>();
        var migrations = new List<Migration>(files.Length);
        var byVersion = new Dictionary<long, Migration>(files.Length);
        foreach (var result in results)
        {
            diagnostics.AddRange(result.Diagnostics);
            if (result.Migration is not { } migration)
            {
                continue;
            }

            if (byVersion.TryGetValue(migration.Version, out var first))
            {
                diagnostics.Add(new MigrationDiagnostic(
                    migration.FilePath,
                    null,
                    DiagnosticSeverity.Error,
                    "DuplicateVersion",
                    $"version {migration.Version} is also used by {first.FileName}; each version may appear once (renumber one of them)"));
                continue;
            }

            byVersion.Add(migration.Version, migration);
            migrations.Add(migration);
        }

        migrations.Sort((a, b) => a.Version.CompareTo(b.Version));
        _logger.LogDebug("Loaded {Count} migrations from {Path}.", migrations.Count, MigrationsPath);
        var set = new MigrationSet(MigrationsPath, migrations, diagnostics);
        Cache.Store(MigrationsPath, fingerprint, set);
        return set;
    }

    /// <summary>
    /// Reads every migration; throws <see cref="MigrationFormatException"/> naming each bad file (and line) when any breaks the rules.
    /// </summary>
    public MigrationSet Load()
    {
        var set = Analyze();
        if (set.HasErrors)
        {
            throw new MigrationFormatException(ServiceName, set.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToArray());
        }

        return set;
    }
}
