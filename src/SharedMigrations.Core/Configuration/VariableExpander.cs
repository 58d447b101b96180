using System.Text;

namespace SharedMigrations.Core.Configuration;

/// <summary>Expands <c>${VAR}</c> and <c>${VAR:-default}</c> from the environment; <c>$${</c> is a literal <c>${</c>.</summary>
internal static class VariableExpander
{
    /// <summary>
    /// Expands the variables of <paramref name="text"/>; <paramref name="missing"/> collects variables that are unset and have no default.
    /// </summary>
    public static string Expand(string text, Func<string, string?> getVariable, List<string> missing)
    {
        if (!text.Contains('$'))
        {
            return text;
        }

        var result = new StringBuilder(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '$' && i + 2 < text.Length && text[i + 1] == '$' && text[i + 2] == '{')
            {
                result.Append("${");
                i += 3;
                continue;
            }

            if (c == '$' && i + 1 < text.Length && text[i + 1] == '{')
            {
                var close = text.IndexOf('}', i + 2);
                if (close < 0)
                {
                    throw new FormatException($"'${{' at position {i + 1} has no closing '}}'");
                }

                var inner = text.Substring(i + 2, close - i - 2);
                string name;
                string? fallback = null;
                var sep = inner.IndexOf(":-", StringComparison.Ordinal);
                if (sep >= 0)
                {
                    name = inner.Substring(0, sep);
                    fallback = inner.Substring(sep + 2);
                }
                else
                {
                    name = inner;
                }

                if (!IsVariableName(name))
                {
                    throw new FormatException($"'${{{inner}}}' is not a variable reference; write ${{NAME}} or ${{NAME:-default}}");
                }

                var value = getVariable(name);
                if (string.IsNullOrEmpty(value))
                {
                    if (fallback is not null)
                    {
                        value = fallback;
                    }
                    else
                    {
                        missing.Add(name);
                        value = string.Empty;
                    }
                }

                result.Append(value);
                i = close + 1;
                continue;
            }

            result.Append(c);
            i++;
        }

        return result.ToString();
    }

    private static bool IsVariableName(string name)
    {
        if (name.Length == 0 || char.IsAsciiDigit(name[0]))
        {
            return false;
        }

        foreach (var ch in name)
        {
            if (!(char.IsAsciiLetterOrDigit(ch) || ch == '_'))
            {
                return false;
            }
        }

        return true;
    }
}
