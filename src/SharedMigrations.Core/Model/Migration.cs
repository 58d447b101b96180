using SharedMigrations.Core.Parsing;

namespace SharedMigrations.Core;

/// <summary>How a migration is run: in one transaction together with its history row, or statement by statement.</summary>
public enum TransactionMode
{
    /// <summary>The whole migration and its history row in one transaction (the default).</summary>
    PerMigration,

    /// <summary><c>-- Transaction: none</c>: each statement on its own, outside a transaction.</summary>
    None,
}

/// <summary>A <c>-- Requires: service@version</c> header: this migration runs only after that service reached that version.</summary>
public sealed record MigrationRequirement(string Service, long Version, int Line)
{
    public override string ToString() => $"{Service}@{Version}";
}

/// <summary>One section (UP or DOWN) of a migration file, split into statements.</summary>
public sealed class MigrationScript
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

    /// <summary>The 1-based line in the file of a character of this section, or null when the section has no file (a DOWN read from history).</summary>
    public int? LineOf(int offsetInText) => _source?.LineOf(_offsetInSource + offsetInText);

    /// <summary>Parses a script that has no file (for example the DOWN text recorded in the history table).</summary>
    public static MigrationScript FromText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var split = SqlStatementSplitter.Split(text);
        return new MigrationScript(text, split.Statements, 0, null);
    }
}

/// <summary>A migration file: version, name, headers, UP and DOWN sections and checksum.</summary>
public sealed class Migration
{
    internal Migration(
        long version,
        string name,
        string fileName,
        string filePath,
        string? description,
        string checksum,
        TransactionMode transaction,
        IReadOnlyList<MigrationRequirement> requires,
        MigrationScript up,
        MigrationScript down,
        bool hasDownSection)
    {
        Version = version;
        Name = name;
        FileName = fileName;
        FilePath = filePath;
        Description = description;
        Checksum = checksum;
        Transaction = transaction;
        Requires = requires;
        Up = up;
        Down = down;
        HasDownSection = hasDownSection;
    }

    /// <summary>The version: the digits before the first underscore of the file name, as a 64-bit integer.</summary>
    public long Version { get; }

    /// <summary>The name: the part of the file name after the version.</summary>
    public string Name { get; }

    /// <summary>The file name, for example <c>001_create_users.sql</c>.</summary>
    public string FileName { get; }

    /// <summary>The full path of the file.</summary>
    public string FilePath { get; }

    /// <summary>The <c>-- Description:</c> header, if any.</summary>
    public string? Description { get; }

    /// <summary>SHA-256 of the file with LF line endings and no BOM, written <c>sha256:&lt;hex&gt;</c>.</summary>
    public string Checksum { get; }

    /// <summary>Whether the migration runs in a transaction (<see cref="TransactionMode.PerMigration"/>) or statement by statement.</summary>
    public TransactionMode Transaction { get; }

    /// <summary>The <c>-- Requires:</c> headers.</summary>
    public IReadOnlyList<MigrationRequirement> Requires { get; }

    /// <summary>The UP section.</summary>
    public MigrationScript Up { get; }

    /// <summary>The DOWN section (empty when the file has none).</summary>
    public MigrationScript Down { get; }

    /// <summary>Whether the file has a <c>-- +++++ DOWN</c> marker at all.</summary>
    public bool HasDownSection { get; }

    public override string ToString() => FileName;
}
