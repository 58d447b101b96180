using System.Globalization;
using System.Text;

namespace SharedMigrations.Core.Parsing;

/// <summary>
/// Turns free text (New-Migration -Name) into a migration name: lower-case ASCII letters, digits and underscores.
/// Accented and compatibility letters are transliterated (Unicode compatibility decomposition with the combining marks
/// dropped: é → e, Ü → u, ﬁ → fi, Ａ → a; and the letters that do not decompose: ß → ss, æ → ae, œ → oe, ø → o,
/// ł → l, đ/ð → d, þ → th, ħ → h, ı → i, ŋ → n, ŧ → t, ſ → s, ĸ → k); runs of anything that is not a letter or digit
/// (spaces, punctuation, symbols) become one underscore. A letter or digit that still is not ASCII (Cyrillic, Greek,
/// CJK, …) is never dropped: the text is refused with the characters named.
/// </summary>
internal static class MigrationNameText
{
    private static readonly IReadOnlyDictionary<char, string> Letters = new Dictionary<char, string>
    {
        ['ß'] = "ss",
        ['ẞ'] = "ss",
        ['æ'] = "ae",
        ['Æ'] = "ae",
        ['œ'] = "oe",
        ['Œ'] = "oe",
        ['ø'] = "o",
        ['Ø'] = "o",
        ['ł'] = "l",
        ['Ł'] = "l",
        ['đ'] = "d",
        ['Đ'] = "d",
        ['ð'] = "d",
        ['Ð'] = "d",
        ['þ'] = "th",
        ['Þ'] = "th",
        ['ħ'] = "h",
        ['Ħ'] = "h",
        ['ı'] = "i",
        ['ŋ'] = "n",
        ['Ŋ'] = "n",
        ['ŧ'] = "t",
        ['Ŧ'] = "t",
        ['ſ'] = "s",
        ['ĸ'] = "k",
    };

    /// <summary>
    /// The name for <paramref name="text"/>, or null with <paramref name="unrepresentable"/> listing (once each, in order)
    /// the characters of the text that are letters or digits with no ASCII form.
    /// </summary>
    public static string? Normalize(string text, out IReadOnlyList<string> unrepresentable)
    {
        var name = new StringBuilder(text.Length);
        var refused = new List<string>();
        var pendingSeparator = false;

        void Append(string ascii)
        {
            if (pendingSeparator && name.Length > 0)
            {
                name.Append('_');
            }

            pendingSeparator = false;
            name.Append(ascii);
        }

        foreach (var rune in text.Trim().EnumerateRunes())
        {
            if (rune.IsBmp && Letters.TryGetValue((char)rune.Value, out var mapped))
            {
                Append(mapped);
                continue;
            }

            var decomposed = rune.ToString().Normalize(NormalizationForm.FormKD);
            foreach (var part in decomposed.EnumerateRunes())
            {
                var category = Rune.GetUnicodeCategory(part);
                if (category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark)
                {
                    continue;
                }

                if (part.IsAscii && Rune.IsLetterOrDigit(part))
                {
                    Append(((char)Rune.ToLowerInvariant(part).Value).ToString());
                }
                else if (Rune.IsLetterOrDigit(part))
                {
                    var original = rune.ToString();
                    if (!refused.Contains(original))
                    {
                        refused.Add(original);
                    }
                }
                else
                {
                    pendingSeparator = true;
                }
            }
        }

        unrepresentable = refused;
        return refused.Count == 0 ? name.ToString() : null;
    }

    /// <summary>"'Ж' (U+0416), 'д' (U+0434)": characters as a person can find them in what they typed.</summary>
    public static string Describe(IEnumerable<string> characters) =>
        string.Join(", ", characters.Select(c => $"'{c}' ({string.Join(" ", c.EnumerateRunes().Select(r => $"U+{r.Value:X4}"))})"));
}
