namespace SharedMigrations.Core.Diagnostics;

/// <summary>Where <see cref="FaultInjection"/> can throw (tests only).</summary>
internal enum FaultPoint
{
    /// <summary>On the worker thread of a service, before its migrations run.</summary>
    Worker,

    /// <summary>In the continuation that resumes a service's work after the engine's await completed (on the thread pool).</summary>
    Continuation,

    /// <summary>In an observer callback the engine calls on a worker (a migration is about to run).</summary>
    Observer,

    /// <summary>In an action a worker posted to the cmdlet's pipeline thread (writing a result).</summary>
    Posted,
}
