namespace SharedMigrations.Core.Errors;

/// <summary>A dependency between services (depends_on or -- Requires:) that stops work.</summary>
public sealed class DependencyException : MigrationException
{
    public DependencyException(string message, DependencyProblem problem, string? filePath = null, int? line = null)
        : base(message)
    {
        Problem = problem;
        DependencyFile = filePath;
        DependencyLine = line;
    }

    public DependencyProblem Problem { get; }

    public string? DependencyFile { get; }

    public int? DependencyLine { get; }

    public override string? FilePath => DependencyFile;

    public override int? Line => DependencyLine;

    public override string ErrorId => Problem switch
    {
        DependencyProblem.Cycle => "DependencyCycle",
        DependencyProblem.NotFound => "DependencyNotFound",
        DependencyProblem.NotSatisfied => "DependencyNotSatisfied",
        DependencyProblem.Failed => "DependencyFailed",
        _ => "RollbackBlockedByDependant",
    };

    public override MigrationErrorKind Kind => Problem switch
    {
        DependencyProblem.Cycle => MigrationErrorKind.InvalidData,
        DependencyProblem.NotFound => MigrationErrorKind.ObjectNotFound,
        DependencyProblem.NotSatisfied => MigrationErrorKind.ResourceUnavailable,
        DependencyProblem.Failed => MigrationErrorKind.OperationStopped,
        _ => MigrationErrorKind.InvalidOperation,
    };
}
