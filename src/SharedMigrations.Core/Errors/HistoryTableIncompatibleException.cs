namespace SharedMigrations.Core.Errors;

/// <summary>The history table exists but was not made by SharedMigrations (for example golang-migrate's schema_migrations).</summary>
public sealed class HistoryTableIncompatibleException : MigrationException
{
    public HistoryTableIncompatibleException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    public override string ErrorId => "HistoryTableIncompatible";

    public override MigrationErrorKind Kind => MigrationErrorKind.InvalidData;
}
