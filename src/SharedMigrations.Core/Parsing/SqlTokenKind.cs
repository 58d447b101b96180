namespace SharedMigrations.Core.Parsing;

/// <summary>The kinds of token <see cref="SqlScanner"/> produces.</summary>
internal enum SqlTokenKind : byte
{
    /// <summary>No more tokens (only whitespace and comments remained).</summary>
    EndOfInput,

    /// <summary>The input ends inside a construct; see <see cref="SqlScanner.ErrorMessage"/> and <see cref="SqlScanner.Start"/>.</summary>
    Error,

    /// <summary>An unquoted identifier or keyword (may contain '$' after the first character).</summary>
    Word,

    /// <summary>A numeric literal (or something starting with a digit).</summary>
    Number,

    /// <summary>'...', E'...', U&amp;'...' (a B/X/N prefix is a separate <see cref="Word"/> token).</summary>
    String,

    /// <summary>"..." or U&amp;"...".</summary>
    QuotedIdentifier,

    /// <summary>$$...$$ or $tag$...$tag$.</summary>
    DollarString,

    /// <summary>$1, $2, ...</summary>
    Parameter,

    /// <summary>';'</summary>
    Semicolon,

    /// <summary>'('</summary>
    OpenParen,

    /// <summary>')'</summary>
    CloseParen,

    /// <summary>Any other single character (operator characters, ',', '.', '[', a lone '$', ...).</summary>
    Punctuation,
}
