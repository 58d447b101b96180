namespace SharedMigrations.Core.Fleet;

/// <summary>A service that is not part of the run but that a service of the run names (found among its sibling folders).</summary>
internal sealed class OutsideService
{
    private readonly Lazy<MigrationService> _engine;

    public OutsideService(ServiceDefinition definition, Func<ServiceDefinition, MigrationService> open)
    {
        Definition = definition;
        _engine = new Lazy<MigrationService>(() => open(definition), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public ServiceDefinition Definition { get; }

    public string Name => Definition.Name;

    public MigrationService Engine => _engine.Value;
}
