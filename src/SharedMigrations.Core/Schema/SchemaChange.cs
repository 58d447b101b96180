namespace SharedMigrations.Core.Schema;

/// <summary>How an object of the actual schema differs from the expected one.</summary>
public enum SchemaChange
{
    /// <summary>In the actual schema only (a hand-made index; an object a DOWN left behind).</summary>
    Added,

    /// <summary>In the expected schema only (a dropped constraint; an object a DOWN failed to restore).</summary>
    Removed,

    /// <summary>In both, with another definition or column position.</summary>
    Changed,
}
