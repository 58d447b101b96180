namespace SharedMigrations.Core.Errors;

/// <summary>
/// A failure the engine did not raise on purpose (a defect, or the runtime failing under it) caught on a worker thread
/// or in a continuation, so that it reaches the caller as an error of the service it stopped instead of ending the process.
/// The <see cref="Exception.InnerException"/> is a sanitized copy of the original exception (its type's name, its message and
/// stack trace with every password and connection secret masked), never the original itself.
/// </summary>
public sealed class UnexpectedErrorException : MigrationException
{
    public UnexpectedErrorException(string? service, Exception innerException)
        : base(BuildMessage(service, innerException), SanitizedException.From(innerException))
    {
        Service = service;
    }

    public override string ErrorId => "UnexpectedError";

    public override MigrationErrorKind Kind => MigrationErrorKind.OperationStopped;

    /// <summary>Wraps <paramref name="exception"/> unless it is an engine error already (which keeps its own id).</summary>
    public static MigrationException From(string? service, Exception exception) =>
        exception as MigrationException ?? new UnexpectedErrorException(service, exception);

    private static string BuildMessage(string? service, Exception inner)
    {
        var who = service is null ? "The run" : $"{service}: the work on this service";
        var copy = SanitizedException.From(inner);
        return $"{who} stopped on an unexpected error ({copy.OriginalTypeName}: {copy.Message}). "
            + "Each migration commits with its history row, so the history shows what was applied; run Get-MigrationStatus to see "
            + "where the service stands, then run the command again. If it happens again, report it with this error's details.";
    }
}
