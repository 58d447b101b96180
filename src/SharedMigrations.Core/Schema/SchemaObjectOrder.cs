namespace SharedMigrations.Core.Schema;

/// <summary>
/// The canonical order of a snapshot's objects, as the catalog query's <c>ORDER BY</c> gives it: schema, kind (tables with
/// their columns and constraints together), group (a column's or constraint's table, else the object's own name), table,
/// columns, constraints, position, name, table. Text compares as PostgreSQL's <c>"C"</c> collation does (UTF-8 bytes).
/// </summary>
internal sealed class SchemaObjectOrder : IComparer<SchemaObject>
{
    public static readonly SchemaObjectOrder Instance = new();

    private SchemaObjectOrder()
    {
    }

    public int Compare(SchemaObject? x, SchemaObject? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null || y is null)
        {
            return x is null ? -1 : 1;
        }

        var c = Utf8Compare(x.Schema, y.Schema);
        if (c == 0)
        {
            c = KindOrder(x.Kind).CompareTo(KindOrder(y.Kind));
        }

        if (c == 0)
        {
            c = Utf8Compare(Group(x), Group(y));
        }

        if (c == 0)
        {
            c = SubOrder(x.Kind).CompareTo(SubOrder(y.Kind));
        }

        if (c == 0)
        {
            c = x.Position.CompareTo(y.Position);
        }

        if (c == 0)
        {
            c = Utf8Compare(x.Name, y.Name);
        }

        if (c == 0)
        {
            // NULLS LAST, as ORDER BY ... ASC.
            c = x.Table is null ? (y.Table is null ? 0 : 1) : y.Table is null ? -1 : Utf8Compare(x.Table, y.Table);
        }

        return c;
    }

    /// <summary>The query's <c>kind_order</c>.</summary>
    private static int KindOrder(SchemaObjectKind kind) => kind switch
    {
        SchemaObjectKind.Schema => 1,
        SchemaObjectKind.Extension => 2,
        SchemaObjectKind.Type => 3,
        SchemaObjectKind.Domain => 4,
        SchemaObjectKind.Sequence => 5,
        SchemaObjectKind.Table or SchemaObjectKind.Column or SchemaObjectKind.Constraint => 6,
        SchemaObjectKind.Index => 9,
        SchemaObjectKind.View => 10,
        SchemaObjectKind.MaterializedView => 11,
        SchemaObjectKind.Function => 12,
        SchemaObjectKind.Trigger => 13,
        SchemaObjectKind.Policy => 14,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a kind of schema object"),
    };

    /// <summary>The query's <c>sub_order</c>: a table, then its columns, then its constraints.</summary>
    private static int SubOrder(SchemaObjectKind kind) => kind switch
    {
        SchemaObjectKind.Column => 1,
        SchemaObjectKind.Constraint => 2,
        _ => 0,
    };

    /// <summary>The query's <c>grp</c>.</summary>
    private static string Group(SchemaObject o) =>
        o.Kind is SchemaObjectKind.Column or SchemaObjectKind.Constraint ? o.Table ?? o.Name : o.Name;

    /// <summary>
    /// Byte order of the UTF-8 encodings without encoding: UTF-16 code units compare alike except that a surrogate
    /// (a character above U+FFFF) sorts after U+E000–U+FFFF in UTF-8.
    /// </summary>
    internal static int Utf8Compare(string a, string b)
    {
        var length = Math.Min(a.Length, b.Length);
        for (var i = 0; i < length; i++)
        {
            var ca = a[i];
            var cb = b[i];
            if (ca != cb)
            {
                return Weight(ca).CompareTo(Weight(cb));
            }
        }

        return a.Length.CompareTo(b.Length);
    }

    private static int Weight(char c) => c switch
    {
        >= '\uD800' and <= '\uDFFF' => c + 0x2000,
        >= '\uE000' => c - 0x800,
        _ => c,
    };
}
