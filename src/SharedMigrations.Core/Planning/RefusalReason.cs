namespace SharedMigrations.Core.Planning;

/// <summary>Why <c>up</c> refuses to start.</summary>
public enum RefusalReason
{
    Modified,
    Failed,
    OutOfOrder,
}
