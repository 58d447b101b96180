namespace SharedMigrations.Core.Errors;

/// <summary>What kind of failure an engine error is; the cmdlets map it onto PowerShell's ErrorCategory.</summary>
public enum MigrationErrorKind
{
    InvalidData,
    InvalidArgument,
    InvalidOperation,
    ConnectionError,
    AuthenticationError,
    ResourceBusy,
    OperationTimeout,
    ObjectNotFound,
    ResourceExists,
    ResourceUnavailable,
    OperationStopped,
    NotSpecified,
}
