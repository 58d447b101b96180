namespace SharedMigrations.Core.Diagnostics;

/// <summary>The exception <see cref="FaultInjection"/> throws (tests only): deliberately not a MigrationException.</summary>
internal sealed class InjectedFaultException : InvalidOperationException
{
    public InjectedFaultException(string message)
        : base(message)
    {
    }
}
