using SharedMigrations.Core.Parsing;

namespace SharedMigrations.Core.Linting;

/// <summary>The significant tokens of one statement, read with the engine's own scanner, so that comments, strings,
/// E'...' strings, quoted identifiers and dollar-quoted bodies are single tokens and never mistaken for keywords.</summary>
internal static class SqlTokenList
{
    public static LintToken[] Read(string statementText)
    {
        var tokens = new List<LintToken>();
        var scanner = new SqlScanner(statementText);
        var depth = 0;
        while (true)
        {
            var kind = scanner.Next();
            if (kind is SqlTokenKind.EndOfInput or SqlTokenKind.Error)
            {
                break;
            }

            if (kind == SqlTokenKind.CloseParen && depth > 0)
            {
                depth--;
            }

            tokens.Add(new LintToken(kind, scanner.Token.ToString(), depth, scanner.Start));

            if (kind == SqlTokenKind.OpenParen)
            {
                depth++;
            }
        }

        return tokens.ToArray();
    }
}
