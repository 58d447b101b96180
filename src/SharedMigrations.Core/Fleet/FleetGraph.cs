using SharedMigrations.Core.Errors;
using SharedMigrations.Core.Model;

namespace SharedMigrations.Core.Fleet;

/// <summary>
/// The plan over all services of a run, made before anything runs: every service's files loaded, every depends_on and
/// <c>-- Requires:</c> resolved (in the run, else among the sibling folders of the service that names it), and the graph over
/// (service, version) steps checked for cycles.
/// </summary>
internal sealed class FleetGraph
{
    private readonly Dictionary<string, List<OutsideService>> _siblings = new(StringComparer.Ordinal);
    private readonly Func<ServiceDefinition, MigrationService> _openOutside;

    private FleetGraph(IReadOnlyList<FleetMember> members, Func<ServiceDefinition, MigrationService> openOutside)
    {
        Members = members;
        _openOutside = openOutside;
    }

    public IReadOnlyList<FleetMember> Members { get; }

    /// <summary>The members, each after everything it depends on.</summary>
    public IReadOnlyList<FleetMember> Order { get; private set; } = Array.Empty<FleetMember>();

    public static FleetGraph Build(IReadOnlyList<MigrationService> services, Func<ServiceDefinition, MigrationService> openOutside)
    {
        var members = services.Select((s, i) => new FleetMember(s, i)).ToArray();
        var graph = new FleetGraph(members, openOutside);
        foreach (var member in members)
        {
            try
            {
                var watch = System.Diagnostics.Stopwatch.StartNew();
                member.Files = member.Engine.Loader.Load();
                member.LoadTime = watch.Elapsed;
            }
            catch (MigrationException ex)
            {
                member.LoadError = ex;
            }
        }

        var byName = new Dictionary<string, FleetMember>(StringComparer.OrdinalIgnoreCase);
        foreach (var member in members)
        {
            byName.TryAdd(member.Name, member);
        }

        foreach (var member in members)
        {
            foreach (var name in member.Definition?.DependsOn ?? Array.Empty<string>())
            {
                var (inRun, outside) = graph.Resolve(name, member, byName, null, null);
                if (inRun is not null && inRun != member)
                {
                    member.DependsOnInRun.Add(inRun);
                    inRun.Dependants.Add(member);
                }
                else if (inRun == member)
                {
                    throw new DependencyException(
                        $"{member.Name}: service.depends_on names the service itself; remove it " +
                            $"from {member.Definition?.ConfigPath ?? "config.yaml"}.",
                        DependencyProblem.Cycle,
                        member.Definition?.ConfigPath)
                    { Service = member.Name };
                }
                else
                {
                    member.DependsOnOutside.Add(outside!);
                }
            }

            foreach (var migration in member.Files?.Migrations ?? Array.Empty<Migration>())
            {
                foreach (var requirement in migration.Requires)
                {
                    var (inRun, outside) = graph.Resolve(requirement.Service, member, byName, migration, requirement);
                    if (inRun == member)
                    {
                        if (requirement.Version >= migration.Version)
                        {
                            throw new DependencyException(
                                $"{member.Name}: {migration.FileName} line {requirement.Line} requires {requirement} of its own service, " +
                                    $"which comes after it; a migration can only require earlier versions.",
                                DependencyProblem.Cycle,
                                migration.FilePath,
                                requirement.Line)
                            { Service = member.Name };
                        }

                        continue; // an earlier version of the same service: version order already ensures it
                    }

                    if (!member.Requirements.TryGetValue(migration.Version, out var list))
                    {
                        member.Requirements[migration.Version] = list = new List<ResolvedRequirement>();
                    }

                    list.Add(new ResolvedRequirement(migration, requirement, inRun, outside));
                    inRun?.Dependants.Add(member);
                }
            }
        }

        graph.CheckForCycles();
        return graph;
    }

    private (FleetMember? InRun, OutsideService? Outside) Resolve(
        string name,
        FleetMember requester,
        Dictionary<string, FleetMember> byName,
        Migration? migration,
        MigrationRequirement? requirement)
    {
        if (byName.TryGetValue(name, out var inRun))
        {
            return (inRun, null);
        }

        var parent = requester.Definition is { } definition ? Path.GetDirectoryName(definition.Path) : null;
        if (parent is not null)
        {
            if (!_siblings.TryGetValue(parent, out var siblings))
            {
                siblings = new List<OutsideService>();
                foreach (var folder in SafeFolders(parent))
                {
                    try
                    {
                        siblings.Add(new OutsideService(ServiceDiscovery.Open(folder), _openOutside));
                    }
                    catch (MigrationException)
                    {
                        // A broken sibling cannot satisfy anything; if it is the one named, the error below says so.
                    }
                }

                _siblings[parent] = siblings;
            }

            var found = siblings.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));
            if (found is not null)
            {
                return (null, found);
            }
        }

        var where = migration is not null && requirement is not null
            ? $"{migration.FileName} line {requirement.Line} requires {requirement}"
            : $"service.depends_on in {requester.Definition?.ConfigPath ?? "config.yaml"} names '{name}'";
        throw new DependencyException(
            $"{requester.Name}: {where}, but there is no service '{name}' in this run nor among the folders " +
                $"beside {requester.Definition?.Path ?? requester.Name}. Nothing was run; add the service to the run or fix the name.",
            DependencyProblem.NotFound,
            migration?.FilePath ?? requester.Definition?.ConfigPath,
            requirement?.Line)
        { Service = requester.Name };
    }

    private static IEnumerable<string> SafeFolders(string parent)
    {
        try
        {
            return ServiceDiscovery.FindServiceFolders(parent).ToArray();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or MigrationException)
        {
            return Array.Empty<string>();
        }
    }

    /// <summary>Checks the (service, version) graph for cycles and computes a dependency order of the services.</summary>
    private void CheckForCycles()
    {
        // Nodes: per member, Start, each migration in version order, End.
        var offsets = new int[Members.Count];
        var count = 0;
        for (var i = 0; i < Members.Count; i++)
        {
            offsets[i] = count;
            count += (Members[i].Files?.Count ?? 0) + 2;
        }

        var edges = new List<int>[count];
        for (var n = 0; n < count; n++)
        {
            edges[n] = new List<int>(2);
        }

        int Start(FleetMember m) => offsets[m.Index];
        int End(FleetMember m) => offsets[m.Index] + (m.Files?.Count ?? 0) + 1;
        int NodeOf(FleetMember m, long version)
        {
            var migrations = m.Files?.Migrations ?? Array.Empty<Migration>();
            for (var k = 0; k < migrations.Count; k++)
            {
                if (migrations[k].Version >= version)
                {
                    return offsets[m.Index] + 1 + k;
                }
            }

            return End(m);
        }

        foreach (var member in Members)
        {
            for (var node = Start(member); node < End(member); node++)
            {
                edges[node].Add(node + 1);
            }

            foreach (var dependency in member.DependsOnInRun)
            {
                edges[End(dependency)].Add(Start(member));
            }

            foreach (var (version, requirements) in member.Requirements)
            {
                foreach (var requirement in requirements.Where(r => r.InRun is not null))
                {
                    edges[NodeOf(requirement.InRun!, requirement.Requirement.Version)].Add(NodeOf(member, version));
                }
            }
        }

        var state = new byte[count]; // 0 new, 1 on stack, 2 done
        var stack = new List<int>();
        foreach (var member in Members)
        {
            Visit(Start(member));
        }

        // Service order: by the position of each member's End node in a topological order of the graph.
        var finish = new List<int>(count);
        Array.Clear(state);
        for (var n = 0; n < count; n++)
        {
            if (state[n] == 0)
            {
                PostOrder(n);
            }
        }

        var rank = new int[count];
        for (var i = 0; i < finish.Count; i++)
        {
            rank[finish[i]] = finish.Count - i;
        }

        Order = Members.OrderBy(m => rank[Start(m)]).ThenBy(m => m.Index).ToArray();

        void Visit(int node)
        {
            if (state[node] == 2)
            {
                return;
            }

            if (state[node] == 1)
            {
                var cycle = stack.Skip(stack.IndexOf(node)).Append(node).ToArray();
                throw CycleError(cycle);
            }

            state[node] = 1;
            stack.Add(node);
            foreach (var next in edges[node])
            {
                Visit(next);
            }

            stack.RemoveAt(stack.Count - 1);
            state[node] = 2;
        }

        void PostOrder(int node)
        {
            state[node] = 1;
            foreach (var next in edges[node])
            {
                if (state[next] == 0)
                {
                    PostOrder(next);
                }
            }

            state[node] = 2;
            finish.Add(node);
        }

        DependencyException CycleError(int[] cycle)
        {
            (FleetMember Member, string Label) Describe(int node)
            {
                var member = Members.Last(m => offsets[m.Index] <= node);
                var local = node - offsets[member.Index];
                var label = local == 0
                    ? $"{member.Name} (start)"
                    : node == End(member) ? $"{member.Name} (all)" : $"{member.Name}@{member.Files!.Migrations[local - 1].Version}";
                return (member, label);
            }

            var described = cycle.Select(Describe).ToArray();

            // Keep the nodes where the path crosses between services; drop steps that only walk along one service.
            var kept = new List<string>();
            for (var i = 0; i < described.Length - 1; i++)
            {
                var previous = described[(i - 1 + described.Length - 1) % (described.Length - 1)];
                var next = described[i + 1];
                if (previous.Member != described[i].Member || next.Member != described[i].Member)
                {
                    kept.Add(described[i].Label);
                }
            }

            if (kept.Count == 0)
            {
                kept.Add(described[0].Label);
            }

            kept.Add(kept[0]);
            var first = described[0].Member;
            return new DependencyException(
                $"The services depend on each other in a circle: {string.Join(" → ", kept)}. Nothing was run; break the circle in " +
                    $"depends_on or '-- Requires:'.",
                DependencyProblem.Cycle)
            { Service = first.Name };
        }
    }
}
