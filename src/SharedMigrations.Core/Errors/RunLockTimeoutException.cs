using SharedMigrations.Core.Database;

namespace SharedMigrations.Core.Errors;

/// <summary>Another run held the database's run lock for longer than <c>migration.lock_wait</c>.</summary>
public sealed class RunLockTimeoutException : MigrationException
{
    public RunLockTimeoutException(string message, RunLockHolder? holder, TimeSpan waited)
        : base(message)
    {
        Holder = holder;
        Waited = waited;
    }

    public RunLockHolder? Holder { get; }

    public TimeSpan Waited { get; }

    public override string ErrorId => "RunLockTimeout";

    public override MigrationErrorKind Kind => MigrationErrorKind.ResourceBusy;
}
