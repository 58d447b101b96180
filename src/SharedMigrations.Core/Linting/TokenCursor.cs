using SharedMigrations.Core.Parsing;

namespace SharedMigrations.Core.Linting;

/// <summary>A position in a token list.</summary>
internal sealed class TokenCursor(LintToken[] tokens)
{
    private int _index;

    public bool AtEnd => _index >= tokens.Length;

    /// <summary>All the tokens.</summary>
    public LintToken[] Tokens => tokens;

    /// <summary>The index of the current token.</summary>
    public int Position => _index;

    public LintToken? Current => _index < tokens.Length ? tokens[_index] : null;

    public bool Is(string keyword) => IsAt(0, keyword);

    public bool IsAt(int ahead, string keyword) =>
        _index + ahead < tokens.Length && tokens[_index + ahead].IsWord(keyword);

    /// <summary>Moves past the keyword when it is the current token.</summary>
    public bool Word(string keyword)
    {
        if (!Is(keyword))
        {
            return false;
        }

        _index++;
        return true;
    }

    public bool Punctuation(char c)
    {
        if (_index < tokens.Length && tokens[_index].IsPunctuation(c))
        {
            _index++;
            return true;
        }

        return false;
    }

    public void Skip(int count) => _index = Math.Min(tokens.Length, _index + count);

    /// <summary>At a '(': moves past its matching ')'.</summary>
    public void SkipParenthesized()
    {
        var depth = tokens[_index].Depth;
        _index++;
        while (_index < tokens.Length && !(tokens[_index].Kind == SqlTokenKind.CloseParen && tokens[_index].Depth == depth))
        {
            _index++;
        }

        _index = Math.Min(tokens.Length, _index + 1);
    }

    /// <summary>A name of one part (a column or constraint).</summary>
    public SqlName? ReadSimpleName()
    {
        if (_index >= tokens.Length || !tokens[_index].IsIdentifier)
        {
            return null;
        }

        var token = tokens[_index++];
        return new SqlName(token.Text, token.IdentifierValue.ToLowerInvariant());
    }

    /// <summary>A possibly qualified name: ident [. ident ...]; compared by its last part.</summary>
    public SqlName? ReadName()
    {
        if (_index >= tokens.Length || !tokens[_index].IsIdentifier)
        {
            return null;
        }

        var first = tokens[_index++];
        var display = first.Text;
        var last = first;
        while (_index + 1 < tokens.Length && tokens[_index].IsPunctuation('.') && tokens[_index + 1].IsIdentifier)
        {
            last = tokens[_index + 1];
            display += "." + last.Text;
            _index += 2;
        }

        return new SqlName(display, last.IdentifierValue.ToLowerInvariant());
    }

    /// <summary>The tokens up to the next ',' outside parentheses (which is consumed), or to the end.</summary>
    public LintToken[] ReadUntilTopLevelComma()
    {
        var start = _index;
        while (_index < tokens.Length && !(tokens[_index].Depth == 0 && tokens[_index].IsPunctuation(',')))
        {
            _index++;
        }

        var part = tokens[start.._index];
        if (_index < tokens.Length)
        {
            _index++;
        }

        return part;
    }

    public LintToken[] Rest()
    {
        var rest = tokens[_index..];
        _index = tokens.Length;
        return rest;
    }
}
