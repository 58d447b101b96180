namespace SharedMigrations.Core.Parsing;

/// <summary>
/// Splits a PostgreSQL script into statements, the way psql does: a ';' ends a statement only outside quotes,
/// quoted identifiers, dollar quotes, comments and parentheses, and outside the <c>BEGIN ... END</c> of an SQL-standard
/// function body (<c>CREATE [OR REPLACE] FUNCTION|PROCEDURE ... BEGIN ATOMIC ...; ...; END</c>).
/// </summary>
/// <remarks>
/// Assumes <c>standard_conforming_strings = on</c> (the default since PostgreSQL 9.1): a backslash is an escape
/// character only in <c>E'...'</c> strings. One pass over the input; the only allocations are the statement strings
/// and the result list.
/// </remarks>
internal static class SqlStatementSplitter
{
    /// <summary>Splits <paramref name="sql"/> into statements. Never throws for a non-null input.</summary>
    public static SqlSplitResult Split(string sql)
    {
        ArgumentNullException.ThrowIfNull(sql);

        var statements = new List<SqlStatement>();
        var scanner = new SqlScanner(sql);

        int start = -1;        // offset of the first token of the current statement, -1 before it
        int end = -1;          // end (exclusive) of the last token of the current statement
        int parenDepth = 0;
        int beginDepth = 0;
        var routine = RoutineState.Start;

        while (true)
        {
            SqlTokenKind kind = scanner.Next();
            if (kind == SqlTokenKind.EndOfInput)
            {
                break;
            }

            if (kind == SqlTokenKind.Error)
            {
                return new SqlSplitResult(statements, new SqlSplitError(scanner.ErrorMessage!, scanner.Start));
            }

            if (kind == SqlTokenKind.Semicolon && parenDepth == 0 && beginDepth == 0)
            {
                if (start >= 0)
                {
                    statements.Add(new SqlStatement(sql.Substring(start, end - start), start));
                }

                start = -1;
                routine = RoutineState.Start;
                continue;
            }

            if (start < 0)
            {
                start = scanner.Start;
            }

            end = scanner.End;

            switch (kind)
            {
                case SqlTokenKind.OpenParen:
                    parenDepth++;
                    break;
                case SqlTokenKind.CloseParen:
                    if (parenDepth > 0)
                    {
                        parenDepth--;
                    }

                    break;
                case SqlTokenKind.Word:
                    if (routine == RoutineState.Routine)
                    {
                        if (parenDepth == 0)
                        {
                            ReadOnlySpan<char> word = scanner.Token;
                            if (Is(word, "BEGIN"))
                            {
                                beginDepth++;
                            }
                            else if (Is(word, "CASE"))
                            {
                                if (beginDepth > 0)
                                {
                                    beginDepth++;
                                }
                            }
                            else if (Is(word, "END"))
                            {
                                if (beginDepth > 0)
                                {
                                    beginDepth--;
                                }
                            }
                        }
                    }
                    else if (routine != RoutineState.Other)
                    {
                        routine = NextRoutineState(routine, scanner.Token);
                    }

                    break;
            }
        }

        if (start >= 0)
        {
            statements.Add(new SqlStatement(sql.Substring(start, end - start), start));
        }

        return new SqlSplitResult(statements, null);
    }

    private enum RoutineState : byte
    {
        Start,        // no word seen yet
        Create,       // CREATE
        CreateOr,     // CREATE OR
        CreateOrRepl, // CREATE OR REPLACE
        Routine,      // CREATE [OR REPLACE] FUNCTION|PROCEDURE: track BEGIN/CASE/END
        Other,        // any other statement
    }

    private static RoutineState NextRoutineState(RoutineState state, ReadOnlySpan<char> word) => state switch
    {
        RoutineState.Start => Is(word, "CREATE") ? RoutineState.Create : RoutineState.Other,
        RoutineState.Create => Is(word, "OR") ? RoutineState.CreateOr
            : Is(word, "FUNCTION") || Is(word, "PROCEDURE") ? RoutineState.Routine
            : RoutineState.Other,
        RoutineState.CreateOr => Is(word, "REPLACE") ? RoutineState.CreateOrRepl : RoutineState.Other,
        RoutineState.CreateOrRepl => Is(word, "FUNCTION") || Is(word, "PROCEDURE") ? RoutineState.Routine : RoutineState.Other,
        _ => state,
    };

    private static bool Is(ReadOnlySpan<char> word, string keyword) =>
        word.Equals(keyword, StringComparison.OrdinalIgnoreCase);
}
