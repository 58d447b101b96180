using SharedMigrations.Core.Model;

namespace SharedMigrations.Core.Fleet;

/// <summary>A <c>-- Requires:</c> of one migration, resolved to a service of the run or outside it.</summary>
internal sealed record ResolvedRequirement(
    Migration Migration,
    MigrationRequirement Requirement,
    FleetMember? InRun,
    OutsideService? Outside);
