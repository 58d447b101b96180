namespace SharedMigrations.Core.Model;

/// <summary>One finding about a migration file: a format error or a lint warning.</summary>
public sealed record MigrationDiagnostic(string FilePath, int? Line, DiagnosticSeverity Severity, string Rule, string Message)
{
    /// <summary>The file name without its folder.</summary>
    public string FileName => Path.GetFileName(FilePath);

    public override string ToString() => Line is { } line
        ? $"{FileName} line {line}: {Message}"
        : $"{FileName}: {Message}";
}
