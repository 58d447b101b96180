using SharedMigrations.Core;

namespace SharedMigrations.Tests.Reliability;

/// <summary>A fleet observer that gives every service the same migration observer.</summary>
public sealed class FixedFleetObserver(MigrationObserver observer) : FleetObserver
{
    public override MigrationObserver? ForService(MigrationService service) => observer;
}
