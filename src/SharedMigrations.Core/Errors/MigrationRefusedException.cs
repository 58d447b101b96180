using SharedMigrations.Core.Planning;

namespace SharedMigrations.Core.Errors;

/// <summary><c>up</c> refused to start: a migration is Modified, Failed or out of order. Nothing was applied.</summary>
public sealed class MigrationRefusedException : MigrationException
{
    public MigrationRefusedException(string service, IReadOnlyList<MigrationRefusal> refusals)
        : base(BuildMessage(service, refusals))
    {
        Service = service;
        Refusals = refusals;
    }

    public IReadOnlyList<MigrationRefusal> Refusals { get; }

    public override string ErrorId => Refusals[0].Reason switch
    {
        RefusalReason.Failed => "FailedMigrationBlocksRun",
        RefusalReason.Modified => "ChecksumMismatch",
        _ => "OutOfOrderMigration",
    };

    public override MigrationErrorKind Kind => MigrationErrorKind.InvalidOperation;

    public override string? FilePath => Refusals[0].FilePath;

    private static string BuildMessage(string service, IReadOnlyList<MigrationRefusal> refusals) =>
        $"{service}: nothing was applied. " + string.Join(" ", refusals.Select(r => r.Message));
}
