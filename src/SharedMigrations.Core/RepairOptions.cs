namespace SharedMigrations.Core;

/// <summary>Options of repair.</summary>
public sealed class RepairOptions : RunOptions
{
}
