namespace SharedMigrations.Core.Parsing;

/// <summary>
/// A minimal PostgreSQL lexer: it skips whitespace and comments and returns the extent of each token, so that quotes,
/// dollar quotes, comments and words are recognised exactly as the server does. It allocates nothing (except the
/// message of an error).
/// </summary>
internal struct SqlScanner
{
    private readonly string _sql;
    private int _pos;

    public SqlScanner(string sql)
    {
        _sql = sql;
        _pos = 0;
        Kind = SqlTokenKind.EndOfInput;
        Start = 0;
        End = 0;
        ErrorMessage = null;
    }

    /// <summary>The kind of the current token.</summary>
    public SqlTokenKind Kind { get; private set; }

    /// <summary>Offset of the current token (for <see cref="SqlTokenKind.Error"/>: where the unterminated construct starts).</summary>
    public int Start { get; private set; }

    /// <summary>End (exclusive) of the current token.</summary>
    public int End { get; private set; }

    /// <summary>Set when <see cref="Kind"/> is <see cref="SqlTokenKind.Error"/>.</summary>
    public string? ErrorMessage { get; private set; }

    /// <summary>The text of the current token.</summary>
    public readonly ReadOnlySpan<char> Token => _sql.AsSpan(Start, End - Start);

    /// <summary>Advances to the next token and returns its kind.</summary>
    public SqlTokenKind Next()
    {
        string s = _sql;
        int n = s.Length;
        int i = _pos;

        // Skip whitespace and comments.
        while (i < n)
        {
            char c = s[i];
            if (IsSpace(c))
            {
                i++;
            }
            else if (c == '-' && i + 1 < n && s[i + 1] == '-')
            {
                int nl = s.AsSpan(i + 2).IndexOfAny('\n', '\r');
                i = nl < 0 ? n : i + 2 + nl + 1;
            }
            else if (c == '/' && i + 1 < n && s[i + 1] == '*')
            {
                int after = SkipBlockComment(s, i);
                if (after < 0)
                {
                    return Fail(i, "unterminated block comment");
                }

                i = after;
            }
            else
            {
                break;
            }
        }

        if (i >= n)
        {
            _pos = n;
            Start = n;
            End = n;
            return Kind = SqlTokenKind.EndOfInput;
        }

        char ch = s[i];
        switch (ch)
        {
            case ';':
                return Token1(i, SqlTokenKind.Semicolon);
            case '(':
                return Token1(i, SqlTokenKind.OpenParen);
            case ')':
                return Token1(i, SqlTokenKind.CloseParen);
            case '\'':
                return Quoted(i, i + 1, '\'', SqlTokenKind.String);
            case '"':
                return Quoted(i, i + 1, '"', SqlTokenKind.QuotedIdentifier);
            case '$':
                return Dollar(i);
        }

        if (IsDigit(ch) || (ch == '.' && i + 1 < n && IsDigit(s[i + 1])))
        {
            int j = i + 1;
            while (j < n && (IsIdentStart(s[j]) || IsDigit(s[j]) || s[j] == '.'))
            {
                j++;
            }

            return SetToken(i, j, SqlTokenKind.Number);
        }

        if (IsIdentStart(ch))
        {
            char next = i + 1 < n ? s[i + 1] : '\0';
            if ((ch == 'E' || ch == 'e') && next == '\'')
            {
                return EscapeString(i);
            }

            if ((ch == 'U' || ch == 'u') && next == '&' && i + 2 < n)
            {
                if (s[i + 2] == '\'')
                {
                    return Quoted(i, i + 3, '\'', SqlTokenKind.String);
                }

                if (s[i + 2] == '"')
                {
                    return Quoted(i, i + 3, '"', SqlTokenKind.QuotedIdentifier);
                }
            }

            int j = i + 1;
            while (j < n && IsIdentCont(s[j]))
            {
                j++;
            }

            return SetToken(i, j, SqlTokenKind.Word);
        }

        return Token1(i, SqlTokenKind.Punctuation);
    }

    private SqlTokenKind Token1(int start, SqlTokenKind kind) => SetToken(start, start + 1, kind);

    private SqlTokenKind SetToken(int start, int end, SqlTokenKind kind)
    {
        Start = start;
        End = end;
        _pos = end;
        return Kind = kind;
    }

    private SqlTokenKind Fail(int start, string message)
    {
        Start = start;
        End = _sql.Length;
        _pos = _sql.Length;
        ErrorMessage = message;
        return Kind = SqlTokenKind.Error;
    }

    /// <summary>
    /// A '...' string or "..." identifier whose body starts at <paramref name="bodyStart"/>; a doubled quote is an escaped quote.
    /// </summary>
    private SqlTokenKind Quoted(int start, int bodyStart, char quote, SqlTokenKind kind)
    {
        string s = _sql;
        int i = bodyStart;
        while (true)
        {
            int q = s.AsSpan(i).IndexOf(quote);
            if (q < 0)
            {
                return Fail(start, quote == '\'' ? "unterminated single-quoted string" : "unterminated quoted identifier");
            }

            i += q + 1;
            if (i < s.Length && s[i] == quote)
            {
                i++;
                continue;
            }

            return SetToken(start, i, kind);
        }
    }

    /// <summary>E'...': backslash escapes the next character; a doubled quote is an escaped quote too.</summary>
    private SqlTokenKind EscapeString(int start)
    {
        string s = _sql;
        int i = start + 2;
        while (true)
        {
            int q = s.AsSpan(i).IndexOfAny('\'', '\\');
            if (q < 0)
            {
                return Fail(start, "unterminated single-quoted string");
            }

            i += q;
            if (s[i] == '\\')
            {
                i += 2;
                if (i >= s.Length)
                {
                    return Fail(start, "unterminated single-quoted string");
                }

                continue;
            }

            i++;
            if (i < s.Length && s[i] == '\'')
            {
                i++;
                continue;
            }

            return SetToken(start, i, SqlTokenKind.String);
        }
    }

    /// <summary>At a '$' that does not continue a word: $n parameter, $tag$ dollar quote, or a lone '$'.</summary>
    private SqlTokenKind Dollar(int start)
    {
        string s = _sql;
        int n = s.Length;
        int j = start + 1;
        if (j < n && IsDigit(s[j]))
        {
            do
            {
                j++;
            }
            while (j < n && IsDigit(s[j]));

            return SetToken(start, j, SqlTokenKind.Parameter);
        }

        if (j < n && IsIdentStart(s[j]))
        {
            j++;
            while (j < n && (IsIdentStart(s[j]) || IsDigit(s[j])))
            {
                j++;
            }
        }

        if (j >= n || s[j] != '$')
        {
            // Not a delimiter: the '$' alone is the token (what follows is scanned again).
            return Token1(start, SqlTokenKind.Punctuation);
        }

        int delimiterLength = j + 1 - start;
        int bodyStart = j + 1;
        int close = s.AsSpan(bodyStart).IndexOf(s.AsSpan(start, delimiterLength));
        if (close < 0)
        {
            return Fail(start, "unterminated dollar-quoted string " + s.Substring(start, delimiterLength));
        }

        return SetToken(start, bodyStart + close + delimiterLength, SqlTokenKind.DollarString);
    }

    /// <summary>
    /// Skips a block comment starting at <paramref name="start"/> ("/*"); comments nest. Returns the offset after it, or -1.
    /// </summary>
    private static int SkipBlockComment(string s, int start)
    {
        int depth = 1;
        int i = start + 2;
        int n = s.Length;
        while (i < n)
        {
            int k = s.AsSpan(i).IndexOfAny('*', '/');
            if (k < 0)
            {
                return -1;
            }

            i += k;
            if (i + 1 >= n)
            {
                return -1;
            }

            if (s[i] == '*' && s[i + 1] == '/')
            {
                i += 2;
                if (--depth == 0)
                {
                    return i;
                }
            }
            else if (s[i] == '/' && s[i + 1] == '*')
            {
                i += 2;
                depth++;
            }
            else
            {
                i++;
            }
        }

        return -1;
    }

    /// <summary>Whitespace: the ASCII whitespace PostgreSQL knows, plus Unicode white space and the BOM.</summary>
    internal static bool IsSpace(char c) =>
        c == ' ' || (c >= '\t' && c <= '\r') || (c >= '\u0080' && (c == '\uFEFF' || char.IsWhiteSpace(c)));

    internal static bool IsDigit(char c) => (uint)(c - '0') <= 9;

    /// <summary>First character of an identifier (and of a dollar-quote tag): a letter, '_', or any non-ASCII character.</summary>
    internal static bool IsIdentStart(char c) =>
        (uint)((c | 0x20) - 'a') <= 'z' - 'a' || c == '_' || (c >= '\u0080' && !IsSpace(c));

    /// <summary>Later character of an identifier: also digits and '$'.</summary>
    internal static bool IsIdentCont(char c) => IsIdentStart(c) || IsDigit(c) || c == '$';
}
