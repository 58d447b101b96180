namespace SharedMigrations.Core.Errors;

/// <summary>A folder that is not a service folder, or a file or folder that does not exist.</summary>
public sealed class ServiceNotFoundException : MigrationException
{
    public ServiceNotFoundException(string message, string path)
        : base(message)
    {
        Path = path;
    }

    public string Path { get; }

    public override string ErrorId => "ServiceNotFound";

    public override MigrationErrorKind Kind => MigrationErrorKind.ObjectNotFound;
}
