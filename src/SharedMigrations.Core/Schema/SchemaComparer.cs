namespace SharedMigrations.Core.Schema;

/// <summary>Compares two snapshots object by object (kind, schema, table and name), in the actual snapshot's order.</summary>
public static class SchemaComparer
{
    /// <summary>
    /// Every object that differs: <see cref="SchemaChange.Added"/> when only <paramref name="actual"/> has it,
    /// <see cref="SchemaChange.Removed"/> when only <paramref name="expected"/> has it, <see cref="SchemaChange.Changed"/> when
    /// its definition or (for a column) its place among the table's columns differs. Empty when they are equal.
    /// </summary>
    public static IReadOnlyList<SchemaDifference> Compare(SchemaSnapshot expected, SchemaSnapshot actual)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        var differences = new List<SchemaDifference>();
        if (SameObjects(expected.Objects, actual.Objects) || expected.Fingerprint == actual.Fingerprint)
        {
            return differences;
        }

        var before = new Dictionary<string, SchemaObject>(StringComparer.Ordinal);
        foreach (var o in expected.Objects)
        {
            before.TryAdd(o.Key, o);
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var now in actual.Objects)
        {
            seen.Add(now.Key);
            if (!before.TryGetValue(now.Key, out var then))
            {
                differences.Add(Difference(now, SchemaChange.Added, null, Describe(now, actual)));
            }
            else if (then.Definition != now.Definition || then.Position != now.Position)
            {
                differences.Add(Difference(now, SchemaChange.Changed, Describe(then, expected), Describe(now, actual)));
            }
        }

        foreach (var then in expected.Objects)
        {
            if (!seen.Contains(then.Key))
            {
                differences.Add(Difference(then, SchemaChange.Removed, Describe(then, expected), null));
            }
        }

        return differences;
    }

    // Equal lists, element by element: the same instances (an incremental read keeps the rows of unchanged tables) or
    // equal values. Cheaper than two fingerprints when the snapshots come from one reader.
    private static bool SameObjects(IReadOnlyList<SchemaObject> expected, IReadOnlyList<SchemaObject> actual)
    {
        if (ReferenceEquals(expected, actual))
        {
            return true;
        }

        if (expected.Count != actual.Count)
        {
            return false;
        }

        for (var i = 0; i < expected.Count; i++)
        {
            if (!ReferenceEquals(expected[i], actual[i]) && !expected[i].Equals(actual[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static SchemaDifference Difference(SchemaObject o, SchemaChange change, string? expected, string? actual) => new()
    {
        Kind = o.Kind,
        Schema = o.Schema,
        Name = o.Name,
        Table = o.Table,
        Change = change,
        Expected = expected,
        Actual = actual,
    };

    // A column's position is shown beside its definition, so a column that moved reads as a change.
    private static string Describe(SchemaObject o, SchemaSnapshot snapshot) =>
        o.Kind == SchemaObjectKind.Column ? $"{o.Definition} (column {o.Position} of {ColumnCount(snapshot, o)})" : o.Definition;

    private static int ColumnCount(SchemaSnapshot snapshot, SchemaObject column) =>
        snapshot.Objects.Count(x => x.Kind == SchemaObjectKind.Column && x.Schema == column.Schema && x.Table == column.Table);
}
