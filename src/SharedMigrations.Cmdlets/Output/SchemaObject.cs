namespace SharedMigrations;

/// <summary>One object of a service's schema snapshot (Get-MigrationSchema).</summary>
public sealed class SchemaObject
{
    public string Service { get; init; } = string.Empty;

    public string Schema { get; init; } = string.Empty;

    public SchemaObjectKind Kind { get; init; }

    public string Name { get; init; } = string.Empty;

    /// <summary>The table a column, constraint, index, trigger or policy belongs to.</summary>
    public string? Table { get; init; }

    /// <summary>PostgreSQL's own definition text.</summary>
    public string Definition { get; init; } = string.Empty;

    /// <summary>The service folder.</summary>
    public string Path { get; init; } = string.Empty;

    public override string ToString() => Table is null ? $"{Kind} {Schema}.{Name}" : $"{Kind} {Schema}.{Table}.{Name}";
}
