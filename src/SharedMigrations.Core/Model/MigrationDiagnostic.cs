namespace SharedMigrations.Core.Model;

/// <summary>One finding about a migration file: a format error or a lint warning.</summary>
public sealed record MigrationDiagnostic(string FilePath, int? Line, DiagnosticSeverity Severity, string Rule, string Message)
{
    /// <summary>The file name without its folder.</summary>
    public string FileName => Path.GetFileName(FilePath);

    /// <summary>The 1-based column where the statement starts, when the finding is about a statement.</summary>
    public int? Column { get; init; }

    /// <summary>The start of the statement's text, on one line.</summary>
    public string? Statement { get; init; }

    /// <summary>The table the finding is about, as written.</summary>
    public string? Table { get; init; }

    /// <summary>The lock the statement takes on it: AccessExclusive, ShareRowExclusive, Share, ShareUpdateExclusive, ...</summary>
    public string? Lock { get; init; }

    /// <summary>The safe recipe.</summary>
    public string? Fix { get; init; }

    public override string ToString() => Line is { } line
        ? $"{FileName} line {line}: {Message}"
        : $"{FileName}: {Message}";
}
