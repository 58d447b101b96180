using SharedMigrations.Core.Errors;
using SharedMigrations.Core.Loading;
using SharedMigrations.Core.Model;
using SharedMigrations.Core.Planning;

namespace SharedMigrations.Core.Fleet;

/// <summary>
/// The services whose applied migrations require a service (<c>-- Requires:</c>), and the check that a rollback of that
/// service does not go below a version one of them still needs.
/// </summary>
internal static class RollbackDependants
{
    /// <summary>The services (of the run, and beside each service's folder) whose migrations require this one, with their files.</summary>
    public static List<(string Name, MigrationSet Files, Func<CancellationToken, Task<HistorySnapshot>> History)> Find(
        FleetMember member, FleetGraph graph)
    {
        var result = new List<(string, MigrationSet, Func<CancellationToken, Task<HistorySnapshot>>)>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { member.Name };
        foreach (var other in graph.Members.Where(m => m != member && m.Files is not null))
        {
            if (other.Files!.Migrations.Any(m => m.Requires.Any(r => string.Equals(
                r.Service,
                member.Name,
                StringComparison.OrdinalIgnoreCase))))
            {
                seen.Add(other.Name);
                var engine = other.Engine;
                result.Add((other.Name, other.Files, token => engine.Database.ReadHistoryAsync(token)));
            }
            else
            {
                seen.Add(other.Name);
            }
        }

        var parent = member.Definition is { } definition ? Path.GetDirectoryName(definition.Path) : null;
        if (parent is null)
        {
            return result;
        }

        string[] folders;
        try
        {
            folders = ServiceDiscovery.FindServiceFolders(parent).ToArray();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or MigrationException)
        {
            return result;
        }

        foreach (var folder in folders)
        {
            ServiceDefinition sibling;
            MigrationSet files;
            try
            {
                sibling = ServiceDiscovery.Open(folder);
                if (seen.Contains(sibling.Name))
                {
                    continue;
                }

                files = new MigrationLoader(sibling.MigrationsPath).Analyze();
            }
            catch (MigrationException)
            {
                continue;
            }

            if (files.Migrations.Any(m => m.Requires.Any(r => string.Equals(r.Service, member.Name, StringComparison.OrdinalIgnoreCase))))
            {
                seen.Add(sibling.Name);
                var engine = new Lazy<MigrationService>(() => MigrationService.ForService(sibling));
                result.Add((sibling.Name, files, token => engine.Value.Database.ReadHistoryAsync(token)));
            }
        }

        return result;
    }

    public static async Task CheckAsync(
        FleetMember member,
        IReadOnlyList<PlannedStep> planned,
        List<(string Name, MigrationSet Files, Func<CancellationToken, Task<HistorySnapshot>> History)> dependants,
        CancellationToken cancellationToken)
    {
        if (planned.Count == 0 || dependants.Count == 0)
        {
            return;
        }

        var lowest = planned.Min(p => p.Version);
        foreach (var (name, files, readHistory) in dependants)
        {
            var requiring = files.Migrations
                .SelectMany(m => m.Requires.Where(r => string.Equals(
                    r.Service,
                    member.Name,
                    StringComparison.OrdinalIgnoreCase) && r.Version >= lowest).Select(r => (Migration: m, Requirement: r)))
                .ToArray();
            if (requiring.Length == 0)
            {
                continue;
            }

            HistorySnapshot history;
            try
            {
                history = await readHistory(cancellationToken).ConfigureAwait(false);
            }
            catch (MigrationException ex) when (ex is not DependencyException)
            {
                throw new DependencyException(
                    $"{member.Name}: cannot check whether {name} still needs it ({ex.Message}). Nothing was rolled back; pass -Force to " +
                        $"roll back without this check.",
                    DependencyProblem.RollbackBlocked)
                { Service = member.Name };
            }

            foreach (var (migration, requirement) in requiring)
            {
                if (history.Find(migration.Version) is { IsFailed: false })
                {
                    throw new DependencyException(
                        $"{member.Name}: rolling back to below version {requirement.Version} would break {name}, whose " +
                            $"applied {migration.FileName} requires {requirement} (line {requirement.Line}). " +
                        $"Nothing was rolled back; roll back {name} first (or in the same run), or pass -Force.",
                        DependencyProblem.RollbackBlocked,
                        migration.FilePath,
                        requirement.Line)
                    { Service = member.Name };
                }
            }
        }
    }
}
