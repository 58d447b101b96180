using SharedMigrations.Core.Parsing;

namespace SharedMigrations.Core.Linting;

/// <summary>One significant token of a statement (comments and whitespace are never tokens).</summary>
/// <param name="Kind">What the scanner saw.</param>
/// <param name="Text">The token as written.</param>
/// <param name="Depth">
/// Parenthesis depth outside the token: 0 for the tokens of the statement itself, including its top-level '(' and ')';
/// 1 for the tokens between them, and so on.
/// </param>
/// <param name="Offset">Where the token starts in the statement text.</param>
internal readonly record struct LintToken(SqlTokenKind Kind, string Text, int Depth, int Offset = 0)
{
    /// <summary>An unquoted word equal to <paramref name="keyword"/> (case-insensitive). Quoted identifiers are never keywords.</summary>
    public bool IsWord(string keyword) =>
        Kind == SqlTokenKind.Word && Text.Equals(keyword, StringComparison.OrdinalIgnoreCase);

    /// <summary>A single punctuation character.</summary>
    public bool IsPunctuation(char c) => Kind == SqlTokenKind.Punctuation && Text.Length == 1 && Text[0] == c;

    /// <summary>An identifier: a word or a "quoted identifier".</summary>
    public bool IsIdentifier => Kind is SqlTokenKind.Word or SqlTokenKind.QuotedIdentifier;

    /// <summary>The name an identifier token stands for: a word as written, a quoted identifier without its quotes.</summary>
    public string IdentifierValue
    {
        get
        {
            if (Kind != SqlTokenKind.QuotedIdentifier)
            {
                return Text;
            }

            var open = Text.IndexOf('"');
            return Text.Length - open >= 2 ? Text[(open + 1)..^1].Replace("\"\"", "\"", StringComparison.Ordinal) : Text;
        }
    }
}
