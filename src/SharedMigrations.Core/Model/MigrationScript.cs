using SharedMigrations.Core.Parsing;

namespace SharedMigrations.Core.Model;

/// <summary>One section (UP or DOWN) of a migration file, split into statements.</summary>
internal sealed class MigrationScript
{
    internal static readonly MigrationScript Empty = new(string.Empty, Array.Empty<SqlStatement>(), 0, null);

    private readonly SourceText? _source;
    private readonly int _offsetInSource;

    internal MigrationScript(string text, IReadOnlyList<SqlStatement> statements, int offsetInSource, SourceText? source)
    {
        Text = text;
        Statements = statements;
        _offsetInSource = offsetInSource;
        _source = source;
    }

    /// <summary>The section's text as written in the file (line endings normalised to LF).</summary>
    public string Text { get; }

    /// <summary>The statements of the section, in order; offsets are relative to <see cref="Text"/>.</summary>
    public IReadOnlyList<SqlStatement> Statements { get; }

    /// <summary>True when the section holds no statement (only blanks and comments, or no section at all).</summary>
    public bool IsEmpty => Statements.Count == 0;

    /// <summary>
    /// The 1-based line in the file of a character of this section, or null when the section has no file (a DOWN read from history).
    /// </summary>
    public int? LineOf(int offsetInText) => _source?.LineOf(_offsetInSource + offsetInText);

    /// <summary>Parses a script that has no file (for example the DOWN text recorded in the history table).</summary>
    public static MigrationScript FromText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var split = SqlStatementSplitter.Split(text);
        return new MigrationScript(text, split.Statements, 0, null);
    }
}
