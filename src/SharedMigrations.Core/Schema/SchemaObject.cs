namespace SharedMigrations.Core.Schema;

/// <summary>
/// One object of a schema snapshot: its schema, kind, name, the table it belongs to (columns, constraints, indexes,
/// triggers, policies) and PostgreSQL's own definition text. Names, never OIDs.
/// </summary>
public sealed record SchemaObject
{
    public required string Schema { get; init; }

    public required SchemaObjectKind Kind { get; init; }

    /// <summary>The object's name; a function's name carries its argument types: <c>add(integer, integer)</c>.</summary>
    public required string Name { get; init; }

    /// <summary>The table (or view) a column, constraint, index, trigger or policy belongs to; null for other kinds.</summary>
    public string? Table { get; init; }

    /// <summary>A column's place among its table's columns (1, 2, …: relative order, not attnum); 0 for other kinds.</summary>
    public int Position { get; init; }

    /// <summary>PostgreSQL's canonical text for the object (format_type, pg_get_*def, enum labels in order, …).</summary>
    public required string Definition { get; init; }

    /// <summary>The key that identifies the object across two snapshots: kind, schema, table and name.</summary>
    public string Key => $"{Kind}\t{Schema}\t{Table}\t{Name}";

    /// <summary>Schema-qualified name, with its table for the kinds that belong to one: <c>public.users.email</c>.</summary>
    public string QualifiedName => Table is null ? $"{Schema}.{Name}" : $"{Schema}.{Table}.{Name}";

    /// <summary>The object's line in the fingerprint (tab-separated, the same text the server hashes).</summary>
    internal string FingerprintLine =>
        $"{Kind}\t{Schema}\t{Table}\t{Name}\t{Position.ToString(System.Globalization.CultureInfo.InvariantCulture)}\t{Definition}";
}
