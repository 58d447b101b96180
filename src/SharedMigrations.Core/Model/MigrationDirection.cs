namespace SharedMigrations.Core.Model;

/// <summary>Which way a migration was run.</summary>
public enum MigrationDirection
{
    Up,
    Down,
    Repair,
}
