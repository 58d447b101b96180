namespace SharedMigrations.Core.Errors;

/// <summary>What is wrong with a dependency between services.</summary>
public enum DependencyProblem
{
    /// <summary>Services require each other in a circle; nothing can run first.</summary>
    Cycle,

    /// <summary>A depends_on or Requires: names a service that is neither in the run nor a sibling folder.</summary>
    NotFound,

    /// <summary>The required service has not reached the required version (and -WaitForDependency, if given, ran out).</summary>
    NotSatisfied,

    /// <summary>The required service failed or was skipped in this run, so the work that depends on it was skipped.</summary>
    Failed,

    /// <summary>Rolling back would take a service below a version that another service's applied migration requires.</summary>
    RollbackBlocked,
}
