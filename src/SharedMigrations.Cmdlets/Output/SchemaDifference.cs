namespace SharedMigrations;

/// <summary>One object where the live schema differs from the reference (Compare-MigrationSchema, Test-MigrationRoundTrip).</summary>
public sealed class SchemaDifference
{
    public string Service { get; init; } = string.Empty;

    public SchemaObjectKind Kind { get; init; }

    /// <summary>The object's name, schema-qualified.</summary>
    public string Name { get; init; } = string.Empty;

    public string? Table { get; init; }

    public SchemaChange Change { get; init; }

    /// <summary>The definition expected (null when Added).</summary>
    public string? Expected { get; init; }

    /// <summary>The definition found (null when Removed).</summary>
    public string? Actual { get; init; }

    /// <summary>The service folder.</summary>
    public string Path { get; init; } = string.Empty;

    public override string ToString() =>
        $"{Kind} {(Table is null ? Name : Table + "." + Name[(Name.IndexOf('.', StringComparison.Ordinal) + 1)..])} {Change}";
}
