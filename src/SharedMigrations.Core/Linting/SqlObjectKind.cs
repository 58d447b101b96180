using SharedMigrations.Core.Parsing;

namespace SharedMigrations.Core.Linting;

/// <summary>The kinds of object the lint follows.</summary>
internal enum SqlObjectKind : byte
{
    Table,

    /// <summary>A view or a materialized view (one kind for matching: a DOWN may restore either as either).</summary>
    View,
    Type,
    Function,
    Schema,
    Sequence,
    Column,
    Constraint,
}
