namespace SharedMigrations.Core.Configuration;

/// <summary>The history table's name, <c>[schema.]table</c>, validated as plain identifiers and always written quoted in SQL.</summary>
public sealed class HistoryTableName : IEquatable<HistoryTableName>
{
    /// <summary>The suffix of the audit log table that sits beside the history table.</summary>
    public const string LogSuffix = "_log";

    public static readonly HistoryTableName Default = new(null, "schema_migrations");

    private HistoryTableName(string? schema, string table)
    {
        Schema = schema;
        Table = table;
    }

    /// <summary>The schema, or null for the connection's current schema.</summary>
    public string? Schema { get; }

    /// <summary>The table.</summary>
    public string Table { get; }

    /// <summary>The audit log table's name (in the same schema).</summary>
    public string LogTable => Table + LogSuffix;

    /// <summary>The quoted, schema-qualified history table, safe to put into SQL.</summary>
    public string QuotedTable => Qualify(Table);

    /// <summary>The quoted, schema-qualified audit log table, safe to put into SQL.</summary>
    public string QuotedLogTable => Qualify(LogTable);

    /// <summary>
    /// Reads <c>table</c> or <c>schema.table</c>; each part is a letter or underscore followed by letters, digits and underscores, at most
    /// 63 characters with the log suffix.
    /// </summary>
    public static bool TryParse(string? text, out HistoryTableName? name, out string? error)
    {
        name = null;
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "is empty";
            return false;
        }

        var parts = text.Trim().Split('.');
        if (parts.Length > 2)
        {
            error = $"'{text}' has more than one '.'; write table or schema.table";
            return false;
        }

        foreach (var part in parts)
        {
            if (!IsIdentifier(part))
            {
                error = $"'{text}' is not [schema.]table made of letters, digits and underscores (starting with a letter or underscore)";
                return false;
            }
        }

        var table = parts[^1];
        if (table.Length + LogSuffix.Length > 63 || parts[0].Length > 63)
        {
            error = $"'{text}' is too long: PostgreSQL names have at most 63 characters, and the audit table adds '{LogSuffix}'";
            return false;
        }

        name = new HistoryTableName(parts.Length == 2 ? parts[0] : null, table);
        return true;
    }

    /// <summary>Quotes an identifier for SQL (doubling any quote, though validated names have none).</summary>
    public static string QuoteIdentifier(string identifier) => "\"" + identifier.Replace("\"", "\"\"") + "\"";

    public bool Equals(HistoryTableName? other) => other is not null && other.Schema == Schema && other.Table == Table;

    public override bool Equals(object? obj) => Equals(obj as HistoryTableName);

    public override int GetHashCode() => HashCode.Combine(Schema, Table);

    public override string ToString() => Schema is null ? Table : Schema + "." + Table;

    private string Qualify(string table) =>
        Schema is null ? QuoteIdentifier(table) : QuoteIdentifier(Schema) + "." + QuoteIdentifier(table);

    private static bool IsIdentifier(string part)
    {
        if (part.Length == 0 || !(char.IsAsciiLetter(part[0]) || part[0] == '_'))
        {
            return false;
        }

        foreach (var c in part)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                return false;
            }
        }

        return true;
    }
}
