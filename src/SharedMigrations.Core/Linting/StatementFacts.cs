using SharedMigrations.Core.Parsing;

namespace SharedMigrations.Core.Linting;

/// <summary>What one statement does, as far as the lint rules care. Only the statement's own leading keywords are read
/// (CREATE ..., DROP ..., ALTER TABLE ...): anything inside strings, comments, dollar-quoted bodies (DO blocks,
/// function bodies) or parentheses is never taken for a command.</summary>
internal sealed class StatementFacts
{
    private static readonly HashSet<string> SerialTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        "serial", "serial2", "serial4", "serial8", "smallserial", "bigserial",
    };

    private static readonly HashSet<string> TableConstraintStarts = new(StringComparer.OrdinalIgnoreCase)
    {
        "PRIMARY", "UNIQUE", "CHECK", "FOREIGN", "EXCLUDE",
    };

    /// <summary>Objects the statement creates (CREATE ..., ALTER TABLE ... ADD, ALTER TABLE ... RENAME ... TO).</summary>
    public List<SqlObjectRef> Creates { get; } = [];

    /// <summary>Objects the statement drops, and whether it said IF EXISTS.</summary>
    public List<(SqlObjectRef Object, bool IfExists)> Drops { get; } = [];

    /// <summary>ALTER TABLE ... ADD COLUMN ... NOT NULL without DEFAULT (nor GENERATED, nor a serial type).</summary>
    public List<ColumnRef> NotNullColumnsWithoutDefault { get; } = [];

    /// <summary>ALTER TABLE ... ALTER COLUMN ... SET NOT NULL.</summary>
    public List<ColumnRef> SetNotNull { get; } = [];

    /// <summary>CREATE [UNIQUE] INDEX.</summary>
    public IndexBuild? Index { get; private set; }

    public static StatementFacts Of(string statementText) => Of(SqlTokenList.Read(statementText));

    public static StatementFacts Of(LintToken[] tokens)
    {
        if (tokens.Length == 0)
        {
            return new StatementFacts();
        }

        var facts = new StatementFacts();
        var t = new TokenCursor(tokens);
        if (t.Word("CREATE"))
        {
            facts.ReadCreate(t);
        }
        else if (t.Word("DROP"))
        {
            facts.ReadDrop(t);
        }
        else if (t.Word("ALTER") && t.Word("TABLE"))
        {
            facts.ReadAlterTable(t);
        }

        return facts;
    }

    private void ReadCreate(TokenCursor t)
    {
        // CREATE [OR REPLACE] [GLOBAL|LOCAL] [TEMP|TEMPORARY|UNLOGGED] [RECURSIVE] {TABLE|VIEW|...} [IF NOT EXISTS] name
        if (t.Is("OR") && t.IsAt(1, "REPLACE"))
        {
            t.Skip(2);
        }

        if (t.Word("UNIQUE"))
        {
            if (t.Word("INDEX"))
            {
                ReadCreateIndex(t);
            }

            return;
        }

        if (t.Word("INDEX"))
        {
            ReadCreateIndex(t);
            return;
        }

        while (t.Word("GLOBAL") || t.Word("LOCAL") || t.Word("TEMP") || t.Word("TEMPORARY") || t.Word("UNLOGGED") || t.Word("RECURSIVE"))
        {
        }

        if (!TryReadObjectKeyword(t, out var kind, out var noun))
        {
            return;
        }

        if (t.Is("IF") && t.IsAt(1, "NOT") && t.IsAt(2, "EXISTS"))
        {
            t.Skip(3);
        }

        if (kind == SqlObjectKind.Schema)
        {
            t.Word("AUTHORIZATION"); // CREATE SCHEMA AUTHORIZATION role: the schema is named after the role
        }

        if (t.ReadName() is { } name)
        {
            Creates.Add(new SqlObjectRef(kind, noun, name));
        }
    }

    private void ReadCreateIndex(TokenCursor t)
    {
        // CREATE [UNIQUE] INDEX [CONCURRENTLY] [[IF NOT EXISTS] name] ON [ONLY] table ...
        var concurrently = t.Word("CONCURRENTLY");
        SqlName? name = null;
        if (t.Is("IF") && t.IsAt(1, "NOT") && t.IsAt(2, "EXISTS"))
        {
            t.Skip(3);
            name = t.ReadName();
        }
        else if (!t.Is("ON"))
        {
            name = t.ReadName();
        }

        if (!t.Word("ON"))
        {
            return;
        }

        var only = t.Word("ONLY");
        if (t.ReadName() is { } table)
        {
            Index = new IndexBuild(name, table, concurrently, only);
        }
    }

    private void ReadDrop(TokenCursor t)
    {
        // DROP {TABLE|VIEW|MATERIALIZED VIEW|...} [IF EXISTS] name [(args)] [, ...] [CASCADE|RESTRICT]
        if (!TryReadObjectKeyword(t, out var kind, out var noun))
        {
            return;
        }

        var ifExists = false;
        if (t.Is("IF") && t.IsAt(1, "EXISTS"))
        {
            t.Skip(2);
            ifExists = true;
        }

        while (t.ReadName() is { } name)
        {
            Drops.Add((new SqlObjectRef(kind, noun, name), ifExists));
            if (t.Current is { Kind: SqlTokenKind.OpenParen })
            {
                t.SkipParenthesized(); // a function's argument types
            }

            if (!t.Punctuation(','))
            {
                break;
            }
        }
    }

    private void ReadAlterTable(TokenCursor t)
    {
        // ALTER TABLE [IF EXISTS] [ONLY] name [*] action [, ...]
        // ALTER TABLE [IF EXISTS] [ONLY] name [*] RENAME [COLUMN] a TO b | RENAME CONSTRAINT a TO b | RENAME TO b
        if (t.Is("ALL") && t.IsAt(1, "IN"))
        {
            return; // ALTER TABLE ALL IN TABLESPACE
        }

        if (t.Is("IF") && t.IsAt(1, "EXISTS"))
        {
            t.Skip(2);
        }

        t.Word("ONLY");
        if (t.ReadName() is not { } table)
        {
            return;
        }

        t.Punctuation('*');

        while (!t.AtEnd)
        {
            var action = t.ReadUntilTopLevelComma();
            ReadAlterTableAction(table, new TokenCursor(action));
        }
    }

    private void ReadAlterTableAction(SqlName table, TokenCursor a)
    {
        if (a.Word("ADD"))
        {
            var columnKeyword = a.Word("COLUMN");
            if (!columnKeyword)
            {
                if (a.Word("CONSTRAINT"))
                {
                    if (a.ReadSimpleName() is { } constraint)
                    {
                        Creates.Add(new SqlObjectRef(SqlObjectKind.Constraint, "constraint", constraint, table));
                    }

                    return;
                }

                if (a.Current is { Kind: SqlTokenKind.Word } w && TableConstraintStarts.Contains(w.Text))
                {
                    return; // an unnamed table constraint
                }
            }

            if (a.Is("IF") && a.IsAt(1, "NOT") && a.IsAt(2, "EXISTS"))
            {
                a.Skip(3);
            }

            if (a.ReadSimpleName() is not { } column)
            {
                return;
            }

            Creates.Add(new SqlObjectRef(SqlObjectKind.Column, "column", column, table));
            var definition = a.Rest();
            if (IsNotNullWithoutDefault(definition))
            {
                NotNullColumnsWithoutDefault.Add(new ColumnRef(table, column));
            }

            return;
        }

        if (a.Word("DROP"))
        {
            var isConstraint = a.Word("CONSTRAINT");
            if (!isConstraint)
            {
                a.Word("COLUMN");
            }

            var ifExists = false;
            if (a.Is("IF") && a.IsAt(1, "EXISTS"))
            {
                a.Skip(2);
                ifExists = true;
            }

            if (a.ReadSimpleName() is { } name)
            {
                Drops.Add((isConstraint
                    ? new SqlObjectRef(SqlObjectKind.Constraint, "constraint", name, table)
                    : new SqlObjectRef(SqlObjectKind.Column, "column", name, table), ifExists));
            }

            return;
        }

        if (a.Word("ALTER"))
        {
            if (a.Is("CONSTRAINT"))
            {
                return;
            }

            a.Word("COLUMN");
            if (a.ReadSimpleName() is { } column && a.Word("SET") && a.Word("NOT") && a.Word("NULL"))
            {
                SetNotNull.Add(new ColumnRef(table, column));
            }

            return;
        }

        if (a.Word("RENAME"))
        {
            if (a.Word("TO"))
            {
                if (a.ReadName() is { } newTable)
                {
                    Creates.Add(new SqlObjectRef(SqlObjectKind.Table, "table", newTable, RenamedFrom: table));
                }

                return;
            }

            var kind = SqlObjectKind.Column;
            if (a.Word("CONSTRAINT"))
            {
                kind = SqlObjectKind.Constraint;
            }
            else
            {
                a.Word("COLUMN");
            }

            if (a.ReadSimpleName() is { } from && a.Word("TO") && a.ReadSimpleName() is { } to)
            {
                Creates.Add(new SqlObjectRef(kind, kind == SqlObjectKind.Column ? "column" : "constraint", to, table, from));
            }
        }
    }

    /// <summary>A column definition (after the column name) with NOT NULL and without DEFAULT, GENERATED or a serial type.</summary>
    private static bool IsNotNullWithoutDefault(LintToken[] definition)
    {
        if (definition.Length == 0 || (definition[0].Kind == SqlTokenKind.Word && SerialTypes.Contains(definition[0].Text)))
        {
            return false;
        }

        var notNull = false;
        for (var i = 0; i < definition.Length; i++)
        {
            var token = definition[i];
            if (token.Depth != 0)
            {
                continue;
            }

            if (token.IsWord("DEFAULT") || token.IsWord("GENERATED"))
            {
                return false;
            }

            if (token.IsWord("NOT") && i + 1 < definition.Length && definition[i + 1].IsWord("NULL"))
            {
                notNull = true;
            }
        }

        return notNull;
    }

    /// <summary>
    /// Reads the kind of object a CREATE or DROP names (TABLE, VIEW, MATERIALIZED VIEW, TYPE, FUNCTION, SCHEMA, SEQUENCE).
    /// </summary>
    private static bool TryReadObjectKeyword(TokenCursor t, out SqlObjectKind kind, out string noun)
    {
        kind = default;
        noun = string.Empty;
        if (t.Is("MATERIALIZED") && t.IsAt(1, "VIEW"))
        {
            t.Skip(2);
            (kind, noun) = (SqlObjectKind.View, "materialized view");
            return true;
        }

        if (t.Current is not { Kind: SqlTokenKind.Word } word)
        {
            return false;
        }

        switch (word.Text.ToUpperInvariant())
        {
            case "TABLE":
                (kind, noun) = (SqlObjectKind.Table, "table");
                break;
            case "VIEW":
                (kind, noun) = (SqlObjectKind.View, "view");
                break;
            case "TYPE":
                (kind, noun) = (SqlObjectKind.Type, "type");
                break;
            case "FUNCTION":
                (kind, noun) = (SqlObjectKind.Function, "function");
                break;
            case "SCHEMA":
                (kind, noun) = (SqlObjectKind.Schema, "schema");
                break;
            case "SEQUENCE":
                (kind, noun) = (SqlObjectKind.Sequence, "sequence");
                break;
            default:
                return false;
        }

        t.Skip(1);
        return true;
    }
}
