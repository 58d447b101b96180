namespace SharedMigrations.Core.Parsing;

/// <summary>
/// Recognises statements that PostgreSQL refuses to run inside a transaction block, and transaction-control
/// statements. Works on one statement's text as produced by <see cref="SqlStatementSplitter"/>; words are compared
/// case-insensitively, and comments, strings, quoted identifiers and dollar-quoted bodies are never mistaken for
/// keywords.
/// </summary>
internal static class NonTransactionalStatements
{
    /// <summary>
    /// Returns a short name of what the statement does that PostgreSQL cannot run inside a transaction block (e.g.
    /// <c>CREATE INDEX CONCURRENTLY</c>), or null.
    /// </summary>
    /// <remarks>
    /// Recognised: CREATE [UNIQUE] INDEX CONCURRENTLY, DROP INDEX CONCURRENTLY, REINDEX ... CONCURRENTLY (also as the
    /// parenthesised option), REINDEX DATABASE, REINDEX SYSTEM, VACUUM, ALTER SYSTEM, CREATE/DROP DATABASE,
    /// CREATE/DROP TABLESPACE, ALTER DATABASE ... SET TABLESPACE, ALTER TABLE ... DETACH PARTITION ... CONCURRENTLY,
    /// CREATE SUBSCRIPTION (unless WITH (connect = false) or (create_slot = false)), DROP SUBSCRIPTION,
    /// ALTER SUBSCRIPTION ... REFRESH PUBLICATION, ALTER SUBSCRIPTION ... SET|ADD|DROP PUBLICATION (unless
    /// WITH (refresh = false)), DISCARD ALL.
    /// Not recognised (they depend on the database's state, not on the text): CLUSTER without a table name, REINDEX or
    /// CLUSTER of a partitioned table.
    /// </remarks>
    public static string? Detect(string statementText)
    {
        ArgumentNullException.ThrowIfNull(statementText);

        var t = new Reader(statementText);
        t.Read();

        if (t.IsWord("CREATE"))
        {
            t.Read();
            if (t.IsWord("UNIQUE"))
            {
                t.Read();
                return t.IsWord("INDEX") && t.Read() && t.IsKeyword("CONCURRENTLY") ? "CREATE INDEX CONCURRENTLY" : null;
            }

            if (t.IsWord("INDEX"))
            {
                return t.Read() && t.IsKeyword("CONCURRENTLY") ? "CREATE INDEX CONCURRENTLY" : null;
            }

            if (t.IsWord("DATABASE"))
            {
                return "CREATE DATABASE";
            }

            if (t.IsWord("TABLESPACE"))
            {
                return "CREATE TABLESPACE";
            }

            if (t.IsWord("SUBSCRIPTION"))
            {
                return CreateSubscription(ref t);
            }

            return null;
        }

        if (t.IsWord("DROP"))
        {
            t.Read();
            if (t.IsWord("INDEX"))
            {
                return t.Read() && t.IsKeyword("CONCURRENTLY") ? "DROP INDEX CONCURRENTLY" : null;
            }

            if (t.IsWord("DATABASE"))
            {
                return "DROP DATABASE";
            }

            if (t.IsWord("TABLESPACE"))
            {
                return "DROP TABLESPACE";
            }

            if (t.IsWord("SUBSCRIPTION"))
            {
                return "DROP SUBSCRIPTION";
            }

            return null;
        }

        if (t.IsWord("REINDEX"))
        {
            return Reindex(ref t);
        }

        if (t.IsWord("VACUUM"))
        {
            return "VACUUM";
        }

        if (t.IsWord("ALTER"))
        {
            t.Read();
            if (t.IsWord("SYSTEM"))
            {
                return "ALTER SYSTEM";
            }

            if (t.IsWord("DATABASE"))
            {
                // ALTER DATABASE name SET TABLESPACE new_tablespace
                t.Read();
                return (t.Kind is SqlTokenKind.Word or SqlTokenKind.QuotedIdentifier)
                    && t.Read() && t.IsWord("SET")
                    && t.Read() && t.IsWord("TABLESPACE")
                    ? "ALTER DATABASE SET TABLESPACE"
                    : null;
            }

            if (t.IsWord("TABLE"))
            {
                return AlterTable(ref t);
            }

            if (t.IsWord("SUBSCRIPTION"))
            {
                return AlterSubscription(ref t);
            }

            return null;
        }

        if (t.IsWord("DISCARD"))
        {
            return t.Read() && t.IsWord("ALL") ? "DISCARD ALL" : null;
        }

        return null;
    }

    /// <summary>
    /// Returns the name of a transaction-control statement (BEGIN, START TRANSACTION, COMMIT, END, ROLLBACK, ABORT,
    /// PREPARE TRANSACTION, COMMIT PREPARED, ROLLBACK PREPARED), or null. Savepoint statements (SAVEPOINT,
    /// RELEASE [SAVEPOINT], ROLLBACK [WORK|TRANSACTION] TO [SAVEPOINT]) and SET TRANSACTION are not transaction control
    /// in this sense and return null.
    /// </summary>
    public static string? DetectTransactionControl(string statementText)
    {
        ArgumentNullException.ThrowIfNull(statementText);

        var t = new Reader(statementText);
        t.Read();

        if (t.IsWord("BEGIN"))
        {
            return "BEGIN";
        }

        if (t.IsWord("START"))
        {
            return t.Read() && t.IsWord("TRANSACTION") ? "START TRANSACTION" : null;
        }

        if (t.IsWord("COMMIT"))
        {
            return t.Read() && t.IsWord("PREPARED") ? "COMMIT PREPARED" : "COMMIT";
        }

        if (t.IsWord("END"))
        {
            return "END";
        }

        if (t.IsWord("ABORT"))
        {
            return "ABORT";
        }

        if (t.IsWord("ROLLBACK"))
        {
            t.Read();
            if (t.IsWord("PREPARED"))
            {
                return "ROLLBACK PREPARED";
            }

            if (t.IsWord("WORK") || t.IsWord("TRANSACTION"))
            {
                t.Read();
            }

            return t.IsWord("TO") ? null : "ROLLBACK";
        }

        if (t.IsWord("PREPARE"))
        {
            return t.Read() && t.IsWord("TRANSACTION") ? "PREPARE TRANSACTION" : null;
        }

        return null;
    }

    private static string? Reindex(ref Reader t)
    {
        // REINDEX [ ( option [, ...] ) ] { INDEX | TABLE | SCHEMA } [ CONCURRENTLY ] name
        // REINDEX [ ( option [, ...] ) ] { DATABASE | SYSTEM } [ CONCURRENTLY ] [ name ]
        t.Read();
        bool concurrently = false;
        if (t.Kind == SqlTokenKind.OpenParen)
        {
            concurrently = ReadOptions(ref t, "CONCURRENTLY", null).A == OptionState.True;
            t.Read();
        }

        if (t.IsWord("DATABASE"))
        {
            return "REINDEX DATABASE";
        }

        if (t.IsWord("SYSTEM"))
        {
            return "REINDEX SYSTEM";
        }

        if (t.IsWord("INDEX") || t.IsWord("TABLE") || t.IsWord("SCHEMA"))
        {
            if (concurrently || (t.Read() && t.IsKeyword("CONCURRENTLY")))
            {
                return "REINDEX CONCURRENTLY";
            }
        }

        return null;
    }

    private static string? AlterTable(ref Reader t)
    {
        // ALTER TABLE [ IF EXISTS ] name DETACH PARTITION partition_name [ CONCURRENTLY | FINALIZE ]
        bool detach = false;
        while (t.Read())
        {
            if (t.Depth != 0)
            {
                continue;
            }

            if (!detach)
            {
                if (t.IsWord("DETACH") && t.Read() && t.IsWord("PARTITION"))
                {
                    detach = true;
                }
            }
            else if (t.IsKeyword("CONCURRENTLY"))
            {
                return "ALTER TABLE DETACH PARTITION CONCURRENTLY";
            }
            else if (t.Kind == SqlTokenKind.Punctuation && t.Token is ",")
            {
                detach = false; // the next subcommand of a multi-command ALTER TABLE
            }
        }

        return null;
    }

    private static string? CreateSubscription(ref Reader t)
    {
        // CREATE SUBSCRIPTION name CONNECTION 'conninfo' PUBLICATION name [, ...] [ WITH ( option [= value] [, ... ] ) ]
        // Without connect = false / create_slot = false it creates a replication slot, which PostgreSQL refuses to do
        // in a transaction block.
        while (t.Read())
        {
            if (t.Depth == 0 && t.IsWord("WITH") && t.Read() && t.Kind == SqlTokenKind.OpenParen)
            {
                var (connect, createSlot) = ReadOptions(ref t, "connect", "create_slot");
                if (connect == OptionState.False || createSlot == OptionState.False)
                {
                    return null;
                }
            }
        }

        return "CREATE SUBSCRIPTION";
    }

    private static string? AlterSubscription(ref Reader t)
    {
        // ALTER SUBSCRIPTION name REFRESH PUBLICATION [ WITH ( ... ) ]
        // ALTER SUBSCRIPTION name { SET | ADD | DROP } PUBLICATION name [, ...] [ WITH ( refresh = false, ... ) ]
        if (!t.Read() || !(t.Kind is SqlTokenKind.Word or SqlTokenKind.QuotedIdentifier) || !t.Read())
        {
            return null;
        }

        if (t.IsWord("REFRESH"))
        {
            return t.Read() && t.IsWord("PUBLICATION") ? "ALTER SUBSCRIPTION REFRESH PUBLICATION" : null;
        }

        string? name = t.IsWord("SET") ? "ALTER SUBSCRIPTION SET PUBLICATION"
            : t.IsWord("ADD") ? "ALTER SUBSCRIPTION ADD PUBLICATION"
            : t.IsWord("DROP") ? "ALTER SUBSCRIPTION DROP PUBLICATION"
            : null;
        if (name is null || !t.Read() || !t.IsWord("PUBLICATION"))
        {
            return null;
        }

        while (t.Read())
        {
            if (t.Depth == 0 && t.IsWord("WITH") && t.Read() && t.Kind == SqlTokenKind.OpenParen
                && ReadOptions(ref t, "refresh", null).A == OptionState.False)
            {
                return null;
            }
        }

        return name;
    }

    private enum OptionState : byte
    {
        Absent,
        True,
        False,
    }

    /// <summary>
    /// Reads a parenthesised option list "( name [=] [value] [, ...] )" starting at its '(' and ending on its ')', and
    /// reports the boolean value of the options named <paramref name="a"/> and <paramref name="b"/> (an option without
    /// a value is true, as in PostgreSQL).
    /// </summary>
    private static (OptionState A, OptionState B) ReadOptions(ref Reader t, string a, string? b)
    {
        var stateA = OptionState.Absent;
        var stateB = OptionState.Absent;
        int depth = t.Depth; // depth inside the list

        while (t.Read())
        {
            if (t.Kind == SqlTokenKind.CloseParen && t.Depth < depth)
            {
                break;
            }

            if (t.Depth != depth || t.Kind is not (SqlTokenKind.Word or SqlTokenKind.QuotedIdentifier or SqlTokenKind.String))
            {
                continue;
            }

            // An option name.
            bool isA = t.ValueEquals(a);
            bool isB = b is not null && t.ValueEquals(b);
            if (!t.Read())
            {
                break;
            }

            if (t.Kind == SqlTokenKind.Punctuation && t.Token is "=")
            {
                t.Read();
            }

            OptionState value = OptionState.True;
            if (t.Kind is SqlTokenKind.Word or SqlTokenKind.String or SqlTokenKind.Number or SqlTokenKind.QuotedIdentifier)
            {
                value = IsFalse(t.Value) ? OptionState.False : OptionState.True;
            }

            if (isA)
            {
                stateA = value;
            }

            if (isB)
            {
                stateB = value;
            }

            // Skip to the ',' or ')' that ends this option.
            while (t.Kind != SqlTokenKind.EndOfInput && t.Kind != SqlTokenKind.Error)
            {
                if (t.Kind == SqlTokenKind.CloseParen && t.Depth < depth)
                {
                    return (stateA, stateB);
                }

                if (t.Depth == depth && t.Kind == SqlTokenKind.Punctuation && t.Token is ",")
                {
                    break;
                }

                t.Read();
            }
        }

        return (stateA, stateB);
    }

    /// <summary>PostgreSQL's parse_bool, false side: f/fa/fal/fals/false, n/no, of/off, 0 (case-insensitive).</summary>
    private static bool IsFalse(ReadOnlySpan<char> v)
    {
        if (v.Length == 0)
        {
            return false;
        }

        return (v.Length <= 5 && "false".AsSpan(0, v.Length).Equals(v, StringComparison.OrdinalIgnoreCase))
            || (v.Length <= 2 && "no".AsSpan(0, v.Length).Equals(v, StringComparison.OrdinalIgnoreCase))
            || (v.Length is 2 or 3 && "off".AsSpan(0, v.Length).Equals(v, StringComparison.OrdinalIgnoreCase))
            || v is "0";
    }

    /// <summary>Reads significant tokens of a statement, tracking the parenthesis depth.</summary>
    private struct Reader
    {
        private SqlScanner _scanner;
        private SqlTokenKind _previousKind;
        private char _previousChar;

        public Reader(string text)
        {
            _scanner = new SqlScanner(text);
            _previousKind = SqlTokenKind.EndOfInput;
            _previousChar = '\0';
            Depth = 0;
        }

        public readonly SqlTokenKind Kind => _scanner.Kind;

        /// <summary>Parenthesis depth at the current token (a '(' counts as inside, its ')' as outside).</summary>
        public int Depth { get; private set; }

        public readonly ReadOnlySpan<char> Token => _scanner.Token;

        /// <summary>The token's value: a word as is, the contents of a quoted identifier or string (escapes not undone).</summary>
        public readonly ReadOnlySpan<char> Value
        {
            get
            {
                ReadOnlySpan<char> token = _scanner.Token;
                switch (Kind)
                {
                    case SqlTokenKind.QuotedIdentifier:
                    case SqlTokenKind.String:
                        int open = token.IndexOfAny('\'', '"');
                        return token.Length - open >= 2 ? token[(open + 1)..^1] : default;
                    default:
                        return token;
                }
            }
        }

        /// <summary>Moves to the next token; false at the end of the statement (or at an unterminated construct).</summary>
        public bool Read()
        {
            if (_scanner.Kind is SqlTokenKind.Word or SqlTokenKind.Punctuation)
            {
                _previousKind = _scanner.Kind;
                _previousChar = _scanner.Token[0];
            }
            else
            {
                _previousKind = _scanner.Kind;
                _previousChar = '\0';
            }

            SqlTokenKind kind = _scanner.Next();
            if (kind == SqlTokenKind.OpenParen)
            {
                Depth++;
            }
            else if (kind == SqlTokenKind.CloseParen && Depth > 0)
            {
                Depth--;
            }

            return kind is not (SqlTokenKind.EndOfInput or SqlTokenKind.Error);
        }

        public readonly bool IsWord(string keyword) =>
            _scanner.Kind == SqlTokenKind.Word && _scanner.Token.Equals(keyword, StringComparison.OrdinalIgnoreCase);

        /// <summary>A keyword in keyword position: the word, and not the attribute name after a '.' (s.concurrently).</summary>
        public readonly bool IsKeyword(string keyword) =>
            IsWord(keyword) && !(_previousKind == SqlTokenKind.Punctuation && _previousChar == '.');

        public readonly bool ValueEquals(string name) => Value.Equals(name, StringComparison.OrdinalIgnoreCase);
    }
}
