using SharedMigrations.Core.Errors;

namespace SharedMigrations.Core.Model;

/// <summary>The migrations of one folder, in version order, with every finding made while loading them.</summary>
internal sealed class MigrationSet
{
    private readonly Dictionary<long, Migration> _byVersion;

    internal MigrationSet(string directory, IReadOnlyList<Migration> migrations, IReadOnlyList<MigrationDiagnostic> diagnostics)
    {
        Directory = directory;
        Migrations = migrations;
        Diagnostics = diagnostics;
        _byVersion = new Dictionary<long, Migration>(migrations.Count);
        foreach (var migration in migrations)
        {
            _byVersion.TryAdd(migration.Version, migration);
        }
    }

    /// <summary>The folder the migrations were read from.</summary>
    public string Directory { get; }

    /// <summary>The valid migrations, ordered by version.</summary>
    public IReadOnlyList<Migration> Migrations { get; }

    /// <summary>Format errors and warnings, in file order.</summary>
    public IReadOnlyList<MigrationDiagnostic> Diagnostics { get; }

    public bool HasErrors => Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error);

    public int Count => Migrations.Count;

    /// <summary>The highest version in the folder, or 0 when it is empty.</summary>
    public long LatestVersion => Migrations.Count == 0 ? 0 : Migrations[^1].Version;

    public Migration? Find(long version) => _byVersion.GetValueOrDefault(version);
}
