namespace SharedMigrations.Core.Errors;

/// <summary>
/// A schema verification could not be done or refused to go on: the schema drifted with <c>on_drift: refuse</c>
/// (<c>SchemaDrifted</c>), no schema file to compare with (<c>SchemaFileNotFound</c>), a scratch database that is not
/// empty (<c>ScratchDatabaseNotEmpty</c>) or is the service's own (<c>ScratchDatabaseIsServiceDatabase</c>), a role that
/// may not create databases (<c>ScratchDatabaseCreateDenied</c>), a migration whose round trip failed (<c>RoundTripFailed</c>).
/// </summary>
public sealed class SchemaVerificationException : MigrationException
{
    public SchemaVerificationException(
        string errorId,
        MigrationErrorKind kind,
        string message,
        Exception? innerException = null,
        string? filePath = null,
        int? line = null)
        : base(message, innerException)
    {
        ErrorId = errorId;
        Kind = kind;
        FilePathValue = filePath;
        LineValue = line;
    }

    public override string ErrorId { get; }

    public override MigrationErrorKind Kind { get; }

    public override string? FilePath => FilePathValue;

    public override int? Line => LineValue;

    private string? FilePathValue { get; }

    private int? LineValue { get; }
}
