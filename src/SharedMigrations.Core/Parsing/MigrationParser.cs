using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using SharedMigrations.Core.Errors;
using SharedMigrations.Core.Model;

namespace SharedMigrations.Core.Parsing;

/// <summary>Reads one migration file: name, headers, UP/DOWN sections, statements, checksum. Touches no database.</summary>
internal static partial class MigrationParser
{
    /// <summary>Files above this size are refused (a migration is SQL, not a data dump).</summary>
    public const int MaxFileBytes = 64 * 1024 * 1024;

    public const string RuleFileName = "FileName";
    public const string RuleEncoding = "Encoding";
    public const string RuleMarkers = "SectionMarkers";
    public const string RuleHeader = "Header";
    public const string RuleSyntax = "Syntax";
    public const string RuleTransaction = "NeedsTransactionNone";
    public const string RuleTransactionControl = "TransactionControl";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    [GeneratedRegex(@"^\s*--\s*\+{5}\s*(?<kind>up|down)\s*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex MarkerRegex();

    // The value is trimmed in code: a lazy value followed by \s*$ backtracks quadratically over a long run of blanks.
    [GeneratedRegex(@"^\s*--\s*(?<key>[A-Za-z][A-Za-z_-]*)\s*:(?<value>.*)$", RegexOptions.CultureInvariant)]
    private static partial Regex HeaderRegex();

    [GeneratedRegex(@"^(?<service>[A-Za-z0-9][A-Za-z0-9._-]*)@(?<version>[0-9]+)$", RegexOptions.CultureInvariant)]
    private static partial Regex RequirementRegex();

    /// <summary>Parses a file from disk.</summary>
    public static MigrationParseResult ParseFile(string filePath)
    {
        var fileName = Path.GetFileName(filePath);
        long length;
        try
        {
            length = new FileInfo(filePath).Length;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Fail(filePath, null, RuleEncoding, $"cannot be read: {ex.Message}");
        }

        if (length > MaxFileBytes)
        {
            return Fail(
                filePath,
                null,
                RuleEncoding,
                $"is {length / (1024 * 1024)} MiB; migration files are limited to {MaxFileBytes / (1024 * 1024)} MiB");
        }

        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(filePath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Fail(filePath, null, RuleEncoding, $"cannot be read: {ex.Message}");
        }

        _ = fileName;
        return Parse(filePath, bytes);
    }

    /// <summary>Parses a file's bytes; <paramref name="filePath"/> names it in messages and gives its file name.</summary>
    public static MigrationParseResult Parse(string filePath, ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > MaxFileBytes)
        {
            return Fail(filePath, null, RuleEncoding, $"is larger than {MaxFileBytes / (1024 * 1024)} MiB");
        }

        if (bytes.Length >= 2 && ((bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF)))
        {
            return Fail(filePath, 1, RuleEncoding, "is UTF-16; save it as UTF-8");
        }

        string text;
        try
        {
            text = StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException ex)
        {
            var at = Math.Clamp(ex.Index, 0, bytes.Length);
            var line = 1;
            for (var i = 0; i < at; i++)
            {
                if (bytes[i] == (byte)'\n')
                {
                    line++;
                }
            }

            return Fail(filePath, line, RuleEncoding, $"is not valid UTF-8 (byte {at}); save it as UTF-8");
        }

        return Parse(filePath, text);
    }

    /// <summary>Parses a file's text; <paramref name="filePath"/> names it in messages and gives its file name.</summary>
    public static MigrationParseResult Parse(string filePath, string text)
    {
        ArgumentNullException.ThrowIfNull(filePath);
        ArgumentNullException.ThrowIfNull(text);
        var fileName = Path.GetFileName(filePath);
        var diagnostics = new List<MigrationDiagnostic>();
        void Error(int? line, string rule, string message) =>
            diagnostics.Add(new MigrationDiagnostic(filePath, line, DiagnosticSeverity.Error, rule, message));

        if (!MigrationFileName.TryParse(fileName, out var version, out var name, out var nameError))
        {
            Error(null, RuleFileName, "bad file name: " + nameError);
        }

        var normalized = Checksum.Normalize(text);
        var nul = normalized.IndexOf('\0');
        var source = new SourceText(normalized);
        if (nul >= 0)
        {
            Error(source.LineOf(nul), RuleEncoding, "contains a NUL character; this is not a text file");
            return new MigrationParseResult(null, diagnostics);
        }

        string? description = null;
        var transaction = TransactionMode.PerMigration;
        var requires = new List<MigrationRequirement>();
        int? upLine = null, downLine = null;
        int upBodyStart = -1, upBodyEnd = -1, downBodyStart = -1;
        var sqlBeforeUpReported = false;

        var lineNumber = 0;
        var position = 0;
        while (position <= normalized.Length)
        {
            lineNumber++;
            var end = normalized.IndexOf('\n', position);
            var lineEnd = end < 0 ? normalized.Length : end;
            var next = end < 0 ? normalized.Length + 1 : end + 1;
            var line = normalized.AsSpan(position, lineEnd - position);
            var trimmed = line.Trim();

            if (trimmed.StartsWith("--", StringComparison.Ordinal))
            {
                var afterDashes = trimmed[2..].TrimStart();
                if (afterDashes.StartsWith("++", StringComparison.Ordinal))
                {
                    var match = MarkerRegex().Match(line.ToString());
                    if (!match.Success)
                    {
                        Error(
                            lineNumber,
                            RuleMarkers,
                            $"'{trimmed.ToString()}' looks like a section marker but is not '-- +++++ UP' or '-- +++++ DOWN'");
                    }
                    else if (match.Groups["kind"].Value.Equals("up", StringComparison.OrdinalIgnoreCase))
                    {
                        if (upLine is { } firstUp)
                        {
                            Error(
                                lineNumber,
                                RuleMarkers,
                                $"a second UP marker (the first is on line {firstUp}); a file has one UP section");
                        }
                        else if (downLine is not null)
                        {
                            upLine = lineNumber; // the DOWN marker before it was reported already
                        }
                        else
                        {
                            upLine = lineNumber;
                            upBodyStart = Math.Min(next, normalized.Length);
                        }
                    }
                    else
                    {
                        if (downLine is { } firstDown)
                        {
                            Error(
                                lineNumber,
                                RuleMarkers,
                                $"a second DOWN marker (the first is on line {firstDown}); a file has one DOWN section");
                        }
                        else
                        {
                            downLine = lineNumber;
                            if (upLine is null)
                            {
                                Error(lineNumber, RuleMarkers, "the DOWN marker comes before any '-- +++++ UP' marker; UP must come first");
                            }
                            else
                            {
                                upBodyEnd = position;
                                downBodyStart = Math.Min(next, normalized.Length);
                            }
                        }
                    }
                }
                else if (upLine is null && downLine is null)
                {
                    var header = HeaderRegex().Match(trimmed.ToString());
                    if (header.Success)
                    {
                        ReadHeader(header.Groups["key"].Value, header.Groups["value"].Value.Trim(), lineNumber);
                    }
                }
            }
            else if (upLine is null && downLine is null && !trimmed.IsEmpty && !sqlBeforeUpReported)
            {
                sqlBeforeUpReported = true;
                Error(
                    lineNumber,
                    RuleMarkers,
                    "SQL before the '-- +++++ UP' marker; only '-- Key: value' header lines and comments may come first");
            }

            position = next;
        }

        if (upLine is null)
        {
            if (!diagnostics.Any(d => d.Rule == RuleMarkers))
            {
                Error(
                    null,
                    RuleMarkers,
                    "has no '-- +++++ UP' marker; put the migration's SQL under '-- +++++ UP' (and its undo under '-- +++++ DOWN')");
            }

            return new MigrationParseResult(null, diagnostics);
        }

        if (diagnostics.Any(d => d.Rule == RuleMarkers))
        {
            return new MigrationParseResult(null, diagnostics);
        }

        if (upBodyEnd < 0)
        {
            upBodyEnd = normalized.Length;
        }

        var up = ReadSection(normalized, upBodyStart, Math.Max(upBodyStart, upBodyEnd), source, "UP");
        var down = downBodyStart >= 0
            ? ReadSection(normalized, downBodyStart, normalized.Length, source, "DOWN")
            : MigrationScript.Empty;

        CheckStatements(up, "UP");
        CheckStatements(down, "DOWN");

        if (diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error))
        {
            return new MigrationParseResult(null, diagnostics);
        }

        var migration = new Migration(
            version,
            name,
            fileName,
            filePath,
            description,
            Checksum.OfNormalizedText(normalized),
            transaction,
            requires,
            up,
            down,
            downBodyStart >= 0);
        return new MigrationParseResult(migration, diagnostics);

        void ReadHeader(string key, string value, int line)
        {
            switch (key.ToLowerInvariant())
            {
                case "description":
                    description ??= value.Length == 0 ? null : value;
                    break;
                case "transaction":
                    if (value.Equals("none", StringComparison.OrdinalIgnoreCase))
                    {
                        transaction = TransactionMode.None;
                    }
                    else
                    {
                        Error(
                            line,
                            RuleHeader,
                            $"'-- Transaction: {value}' is not understood; the only value is 'none' (run outside a transaction); leave " +
                                $"the header out for the default");
                    }

                    break;
                case "requires":
                    var items = value.Split([',', ' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
                    if (items.Length == 0)
                    {
                        Error(line, RuleHeader, "'-- Requires:' names no requirement; write '-- Requires: other-service@3'");
                    }

                    foreach (var item in items)
                    {
                        var m = RequirementRegex().Match(item);
                        if (!m.Success || !long.TryParse(
                            m.Groups["version"].Value,
                            NumberStyles.None,
                            CultureInfo.InvariantCulture,
                            out var requiredVersion))
                        {
                            Error(line, RuleHeader, $"'-- Requires: {item}' is not '<service>@<version>', for example 'auth-service@3'");
                        }
                        else
                        {
                            requires.Add(new MigrationRequirement(m.Groups["service"].Value, requiredVersion, line));
                        }
                    }

                    break;
            }
        }

        void CheckStatements(MigrationScript script, string section)
        {
            foreach (var statement in script.Statements)
            {
                var line = script.LineOf(statement.Offset);
                if (transaction == TransactionMode.PerMigration)
                {
                    if (NonTransactionalStatements.Detect(statement.Text) is { } what)
                    {
                        Error(
                            line,
                            RuleTransaction,
                            $"{what} (in {section}) cannot run inside a transaction; " +
                            "add '-- Transaction: none' to the header of this file");
                    }
                    else if (NonTransactionalStatements.DetectTransactionControl(statement.Text) is { } control)
                    {
                        Error(
                            line,
                            RuleTransactionControl,
                            $"{control} (in {section}): the migration already runs in one transaction with its history row; remove it " +
                                $"(or add '-- Transaction: none' to manage transactions yourself)");
                    }
                }
            }
        }

        MigrationScript ReadSection(string all, int start, int end, SourceText src, string section)
        {
            var body = all.Substring(start, end - start);
            var split = SqlStatementSplitter.Split(body);
            if (split.Error is { } splitError)
            {
                Error(src.LineOf(start + splitError.Offset), RuleSyntax, $"{splitError.Message} (in {section})");
            }

            return new MigrationScript(body, split.Statements, start, src);
        }
    }

    private static MigrationParseResult Fail(string filePath, int? line, string rule, string message) =>
        new(null, [new MigrationDiagnostic(filePath, line, DiagnosticSeverity.Error, rule, message)]);
}
