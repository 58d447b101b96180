using SharedMigrations.Core.Model;

namespace SharedMigrations.Core.Errors;

/// <summary>
/// A statement of a migration failed in PostgreSQL. The migration was rolled back (or, for Transaction: none, stopped part way).
/// </summary>
public sealed class MigrationExecutionException : MigrationException
{
    public MigrationExecutionException(
        string message,
        long version,
        string migrationName,
        string? filePath,
        int? line,
        string? sqlState,
        string postgresMessage,
        MigrationDirection direction,
        Exception? innerException)
        : base(message, innerException)
    {
        Version = version;
        MigrationName = migrationName;
        MigrationFile = filePath;
        MigrationLine = line;
        SqlState = sqlState;
        PostgresMessage = postgresMessage;
        Direction = direction;
    }

    public long Version { get; }

    public string MigrationName { get; }

    public string? MigrationFile { get; }

    public int? MigrationLine { get; }

    /// <summary>PostgreSQL's SQLSTATE, for example 42P01 or 55P03.</summary>
    public string? SqlState { get; }

    /// <summary>PostgreSQL's own message.</summary>
    public string PostgresMessage { get; }

    public MigrationDirection Direction { get; }

    public override string? FilePath => MigrationFile;

    public override int? Line => MigrationLine;

    public override string ErrorId => SqlState switch
    {
        "55P03" => "MigrationLockTimeout",
        "57014" => "MigrationStatementTimeout",
        _ => "MigrationFailed",
    };

    public override MigrationErrorKind Kind => SqlState switch
    {
        "55P03" => MigrationErrorKind.ResourceBusy,
        "57014" => MigrationErrorKind.OperationTimeout,
        _ => MigrationErrorKind.InvalidOperation,
    };
}
