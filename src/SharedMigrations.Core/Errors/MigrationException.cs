namespace SharedMigrations.Core.Errors;

/// <summary>Base of every error the engine raises on purpose. Each has a stable <see cref="ErrorId"/>.</summary>
public abstract class MigrationException : Exception
{
    protected MigrationException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    /// <summary>A stable PascalCase identifier of the failure, for scripts and for PowerShell's FullyQualifiedErrorId.</summary>
    public abstract string ErrorId { get; }

    /// <summary>The kind of failure.</summary>
    public abstract MigrationErrorKind Kind { get; }

    /// <summary>The service the failure belongs to, when known.</summary>
    public string? Service { get; init; }

    /// <summary>The file the failure points at, when there is one.</summary>
    public virtual string? FilePath => null;

    /// <summary>The 1-based line in <see cref="FilePath"/>, when known.</summary>
    public virtual int? Line => null;
}
