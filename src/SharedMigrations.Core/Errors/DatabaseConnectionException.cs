namespace SharedMigrations.Core.Errors;

/// <summary>The database cannot be reached or refused the login.</summary>
public sealed class DatabaseConnectionException : MigrationException
{
    public DatabaseConnectionException(string message, bool authenticationFailed, string? sqlState = null, Exception? innerException = null)
        : base(message, innerException)
    {
        AuthenticationFailed = authenticationFailed;
        SqlState = sqlState;
    }

    public bool AuthenticationFailed { get; }

    public string? SqlState { get; }

    public override string ErrorId => AuthenticationFailed ? "DatabaseAuthenticationFailed" : "DatabaseUnreachable";

    public override MigrationErrorKind Kind =>
        AuthenticationFailed ? MigrationErrorKind.AuthenticationError : MigrationErrorKind.ConnectionError;
}
