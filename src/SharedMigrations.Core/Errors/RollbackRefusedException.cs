namespace SharedMigrations.Core.Errors;

/// <summary>A rollback that rollback_safety forbids (an empty DOWN, a file changed since it was applied, no DOWN at all).</summary>
public sealed class RollbackRefusedException : MigrationException
{
    public RollbackRefusedException(string message, long version, string? filePath)
        : base(message)
    {
        Version = version;
        RefusedFile = filePath;
    }

    public long Version { get; }

    public string? RefusedFile { get; }

    public override string ErrorId => "RollbackRefused";

    public override MigrationErrorKind Kind => MigrationErrorKind.InvalidOperation;

    public override string? FilePath => RefusedFile;
}
