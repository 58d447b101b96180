namespace SharedMigrations.Core.Errors;

/// <summary>A file for New-Migration cannot be written: an invalid name, an unknown template, a file that already exists.</summary>
public sealed class MigrationCreationException : MigrationException
{
    public MigrationCreationException(string message, string errorId, MigrationErrorKind kind)
        : base(message)
    {
        ErrorId = errorId;
        Kind = kind;
    }

    public override string ErrorId { get; }

    public override MigrationErrorKind Kind { get; }
}
