namespace SharedMigrations;

/// <summary>The kinds of object a schema snapshot holds, in the order a snapshot lists them.</summary>
public enum SchemaObjectKind
{
    Schema,
    Extension,
    Type,
    Domain,
    Sequence,
    Table,
    Column,
    Constraint,
    Index,
    View,
    MaterializedView,
    Function,
    Trigger,
    Policy,
}
