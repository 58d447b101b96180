using System.Text.RegularExpressions;
using SharedMigrations.Core.Model;

namespace SharedMigrations.Core.Linting;

/// <summary>
/// The <c>-- lint:ignore RuleId[,RuleId] reason</c> comments of one section: on a line of their own they silence the
/// rules for the statement that starts on the next line; at the end of a line they silence them for the statement on
/// that line.
/// </summary>
internal sealed partial class LintSuppressions
{
    private readonly Dictionary<int, (string[] Rules, bool OwnLine)> _byLine = [];

    private LintSuppressions()
    {
    }

    /// <summary>The comments that name no rule, an unknown rule or give no reason: (file line, message).</summary>
    public List<(int Line, string Message)> Problems { get; } = [];

    public static LintSuppressions Read(MigrationScript script)
    {
        var result = new LintSuppressions();
        var text = script.Text;
        if (!text.Contains("lint:ignore", StringComparison.OrdinalIgnoreCase))
        {
            return result;
        }

        var offset = 0;
        foreach (var lineText in text.Split('\n'))
        {
            var match = IgnorePattern().Match(lineText);
            if (match.Success && script.LineOf(offset) is { } line)
            {
                var rules = match.Groups["rules"].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                var ownLine = lineText[..match.Index].Trim().Length == 0;
                result._byLine[line] = (rules, ownLine);
                foreach (var rule in rules.Where(r => LintRules.Find(r) is null))
                {
                    result.Problems.Add((
                        line,
                        $"lint:ignore names unknown rule '{rule}'; it silences nothing. Use one of the rule ids in docs/lint.md"));
                }

                if (match.Groups["reason"].Value.Trim().Length == 0)
                {
                    result.Problems.Add((
                        line,
                        $"lint:ignore {string.Join(',', rules)} gives no reason; write why the finding does not apply, after the rule id"));
                }
            }

            offset += lineText.Length + 1;
        }

        return result;
    }

    /// <summary>Whether a comment silences the rule for a statement that spans the lines first..last of the file.</summary>
    public bool Silences(string rule, int? first, int? last)
    {
        if (_byLine.Count == 0 || first is not { } start)
        {
            return false;
        }

        var end = last ?? start;
        if (_byLine.TryGetValue(start - 1, out var before) && before.OwnLine && Names(before.Rules, rule))
        {
            return true;
        }

        for (var line = start; line <= end; line++)
        {
            if (_byLine.TryGetValue(line, out var on) && Names(on.Rules, rule))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Names(string[] rules, string rule) => rules.Any(r => r.Equals(rule, StringComparison.OrdinalIgnoreCase));

    [GeneratedRegex(
        @"--\s*lint:ignore\s+(?<rules>[A-Za-z][A-Za-z0-9]*(\s*,\s*[A-Za-z][A-Za-z0-9]*)*)(?<reason>.*)$",
        RegexOptions.IgnoreCase)]
    private static partial Regex IgnorePattern();
}
