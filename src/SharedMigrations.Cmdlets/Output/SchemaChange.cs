namespace SharedMigrations;

/// <summary>How an object of the live schema differs from the reference.</summary>
public enum SchemaChange
{
    Added,
    Removed,
    Changed,
}
