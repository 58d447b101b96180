namespace SharedMigrations.Core.Planning;

/// <summary>One migration that stops <c>up</c> from starting.</summary>
public sealed record MigrationRefusal(RefusalReason Reason, long Version, string Name, string? FilePath, string Message);
