namespace SharedMigrations.Core.Schema;

/// <summary>One object that differs between two snapshots: what was expected and what is there (null where absent).</summary>
public sealed record SchemaDifference
{
    public required SchemaObjectKind Kind { get; init; }

    public required string Schema { get; init; }

    public required string Name { get; init; }

    public string? Table { get; init; }

    public required SchemaChange Change { get; init; }

    /// <summary>The expected definition (null when Added).</summary>
    public string? Expected { get; init; }

    /// <summary>The actual definition (null when Removed).</summary>
    public string? Actual { get; init; }

    /// <summary>A one-line description: <c>Index public.users_email_idx Added</c>.</summary>
    public override string ToString() =>
        $"{Kind} {(Table is null ? $"{Schema}.{Name}" : $"{Schema}.{Table}.{Name}")} {Change}";
}
