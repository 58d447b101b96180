namespace SharedMigrations;

/// <summary>What Test-Migration writes: diagnostic objects, or a SARIF 2.1.0 file for code scanning.</summary>
public enum TestMigrationFormat
{
    /// <summary>MigrationDiagnostic objects on the pipeline (the default).</summary>
    Object,

    /// <summary>A SARIF 2.1.0 file at -OutFile (for GitHub code scanning); the file is the output.</summary>
    Sarif,
}
