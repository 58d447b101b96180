using System.Management.Automation;
using SharedMigrations.Core;
using SharedMigrations.Core.Errors;

namespace SharedMigrations.Infrastructure;

/// <summary>Turns engine errors into ErrorRecords: the engine's exception, its stable ErrorId, a real category, and the target.</summary>
internal static class ErrorRecords
{
    public static ErrorRecord From(MigrationException exception, object? target)
    {
        var record = new ErrorRecord(exception, exception.ErrorId, Category(exception.Kind), target ?? exception.FilePath);
        if (exception.FilePath is not null)
        {
            record.ErrorDetails = new ErrorDetails(exception.Message)
            {
                RecommendedAction = exception.Line is { } line ? $"See {exception.FilePath} line {line}." : $"See {exception.FilePath}.",
            };
        }

        return record;
    }

    public static ErrorCategory Category(MigrationErrorKind kind) => kind switch
    {
        MigrationErrorKind.InvalidData => ErrorCategory.InvalidData,
        MigrationErrorKind.InvalidArgument => ErrorCategory.InvalidArgument,
        MigrationErrorKind.InvalidOperation => ErrorCategory.InvalidOperation,
        MigrationErrorKind.ConnectionError => ErrorCategory.ConnectionError,
        MigrationErrorKind.AuthenticationError => ErrorCategory.AuthenticationError,
        MigrationErrorKind.ResourceBusy => ErrorCategory.ResourceBusy,
        MigrationErrorKind.OperationTimeout => ErrorCategory.OperationTimeout,
        MigrationErrorKind.ObjectNotFound => ErrorCategory.ObjectNotFound,
        MigrationErrorKind.ResourceExists => ErrorCategory.ResourceExists,
        MigrationErrorKind.ResourceUnavailable => ErrorCategory.ResourceUnavailable,
        MigrationErrorKind.OperationStopped => ErrorCategory.OperationStopped,
        _ => ErrorCategory.NotSpecified,
    };
}
