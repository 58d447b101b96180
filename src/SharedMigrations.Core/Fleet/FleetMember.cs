using SharedMigrations.Core.Errors;
using SharedMigrations.Core.Model;

namespace SharedMigrations.Core.Fleet;

/// <summary>One service of a run, with its files and what it depends on.</summary>
internal sealed class FleetMember
{
    public FleetMember(MigrationService engine, int index)
    {
        Engine = engine;
        Index = index;
    }

    public MigrationService Engine { get; }

    public int Index { get; }

    public string Name => Engine.ServiceName;

    public ServiceDefinition? Definition => Engine.Definition;

    /// <summary>The migration files, or null when they could not be loaded (<see cref="LoadError"/>).</summary>
    public MigrationSet? Files { get; set; }

    public MigrationException? LoadError { get; set; }

    /// <summary>How long loading <see cref="Files"/> took (the run is handed the loaded set rather than loading it again).</summary>
    public TimeSpan LoadTime { get; set; }

    public List<FleetMember> DependsOnInRun { get; } = new();

    public List<OutsideService> DependsOnOutside { get; } = new();

    /// <summary>Requirements by the version of the migration that states them.</summary>
    public Dictionary<long, List<ResolvedRequirement>> Requirements { get; } = new();

    /// <summary>Services of the run that depend on this one (by depends_on or Requires:).</summary>
    public HashSet<FleetMember> Dependants { get; } = new();

    public override string ToString() => Name;
}
