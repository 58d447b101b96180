using System.Reflection;
using SharedMigrations.Core;

namespace SharedMigrations.Tests.Api;

/// <summary>
/// The engine's public surface: what the assembly exports is what PublicAPI.Shipped.txt lists (the analyzer checks
/// members at build time; this checks the types as compiled), and docs/library.md names every one of those types.
/// </summary>
public sealed class PublicSurfaceTests
{
    private static readonly string[] Exported = typeof(MigrationService).Assembly.GetExportedTypes()
        .Where(t => !t.IsNested)
        .Select(t => t.FullName!)
        .Order(StringComparer.Ordinal)
        .ToArray();

    [Fact]
    public void Exported_types_are_those_of_the_public_api_file()
    {
        var listed = File.ReadAllLines(Path.Combine(RepositoryRoot, "src/SharedMigrations.Core/PublicAPI.Shipped.txt"))
            .Concat(File.ReadAllLines(Path.Combine(RepositoryRoot, "src/SharedMigrations.Core/PublicAPI.Unshipped.txt")))
            .Where(line => line.StartsWith("SharedMigrations.", StringComparison.Ordinal) && !line.Contains(' ') && !line.Contains('('))
            .Where(line => !line.Contains(".get") && !line.Contains(".set") && !line.Contains(".init"))
            .Where(line => Type(line) is { IsNested: false })
            .Order(StringComparer.Ordinal)
            .ToArray();
        Assert.Equal(listed, Exported);
    }

    [Fact]
    public void Library_guide_names_every_public_type()
    {
        var guide = File.ReadAllText(Path.Combine(RepositoryRoot, "docs/library.md"));
        var unnamed = Exported.Select(n => n[(n.LastIndexOf('.') + 1)..]).Where(name => !guide.Contains(
            $"`{name}`",
            StringComparison.Ordinal));
        Assert.Empty(unnamed);
    }

    [Fact]
    public void Helpers_are_internal()
    {
        string[] helpers =
        [
            "SharedMigrations.Core.Parsing.SqlStatementSplitter", "SharedMigrations.Core.Parsing.NonTransactionalStatements",
            "SharedMigrations.Core.Configuration.VariableExpander", "SharedMigrations.Core.Configuration.ConfigurationLoader",
            "SharedMigrations.Core.Database.SecretRedactor", "SharedMigrations.Core.Database.DataSources",
            "SharedMigrations.Core.Database.HistoryStore", "SharedMigrations.Core.ServiceDatabase",
            "SharedMigrations.Core.Loading.MigrationLoader", "SharedMigrations.Core.Planning.MigrationPlanner",
        ];
        foreach (var name in helpers)
        {
            var type = typeof(MigrationService).Assembly.GetType(name, throwOnError: true)!;
            Assert.False(type.IsPublic, $"{name} should be internal");
        }

        Assert.Null(typeof(MigrationService).GetProperty("Manager", BindingFlags.Public | BindingFlags.Instance));
        Assert.Null(typeof(MigrationService).GetProperty("Loader", BindingFlags.Public | BindingFlags.Instance));
    }

    private static Type? Type(string fullName) => typeof(MigrationService).Assembly.GetType(fullName);

    private static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "SharedMigrations.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException($"No SharedMigrations.sln above {AppContext.BaseDirectory}.");
        }
    }
}
