namespace SharedMigrations.Core.Schema;

/// <summary>The kinds of object a schema snapshot holds, in the order a snapshot lists them.</summary>
public enum SchemaObjectKind
{
    Schema,
    Extension,

    /// <summary>Enum, composite and range types.</summary>
    Type,
    Domain,

    /// <summary>Sequences that no column owns (identity and serial sequences belong to their column).</summary>
    Sequence,
    Table,
    Column,
    Constraint,
    Index,
    View,
    MaterializedView,

    /// <summary>Functions, procedures and aggregates.</summary>
    Function,
    Trigger,
    Policy,
}
