using SharedMigrations.Core.Parsing;

namespace SharedMigrations.Core.Linting;

/// <summary>An object a statement creates or drops.</summary>
/// <param name="Kind">What it is.</param>
/// <param name="Noun">How to call it in a message: table, view, materialized view, function, ...</param>
/// <param name="Name">Its name.</param>
/// <param name="Table">For a column or a constraint: its table.</param>
/// <param name="RenamedFrom">For ALTER TABLE ... RENAME: the old name (the object "created" is the new name).</param>
internal sealed record SqlObjectRef(SqlObjectKind Kind, string Noun, SqlName Name, SqlName? Table = null, SqlName? RenamedFrom = null)
{
    /// <summary>Same kind, same name (and same table, for columns and constraints).</summary>
    public bool SameObject(SqlObjectRef other) =>
        Kind == other.Kind
        && Name.Matches(other.Name)
        && (Table is not { } table || (other.Table is { } otherTable && table.Matches(otherTable)));
}
