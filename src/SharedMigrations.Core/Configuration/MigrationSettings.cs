namespace SharedMigrations.Core.Configuration;

/// <summary>The <c>migration:</c> section, with the defaults of the specification.</summary>
public sealed class MigrationSettings
{
    public HistoryTableName TableName { get; init; } = HistoryTableName.Default;

    public bool ChecksumValidation { get; init; } = true;

    public bool RollbackSafety { get; init; } = true;

    public bool OutOfOrder { get; init; }

    public TimeSpan LockWait { get; init; } = TimeSpan.FromSeconds(60);

    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan StatementTimeout { get; init; } = TimeSpan.Zero;

    public VersioningScheme Versioning { get; init; } = VersioningScheme.Sequential;

    /// <summary><c>migration.directory</c>: the migrations folder, relative to the service folder.</summary>
    public string? Directory { get; init; }

    /// <summary><c>migration.templates</c>: a team's shared templates folder, relative to the service folder.</summary>
    public string? Templates { get; init; }

    /// <summary>
    /// <c>migration.error_detail</c>: show PostgreSQL's DETAIL and HINT for every failing statement, also those that can
    /// hold row values (integrity violations, data errors). Off by default: then they are shown only for errors that
    /// describe objects (see <see cref="Database.PostgresErrorDetail"/>).
    /// </summary>
    public bool ErrorDetail { get; init; }

    /// <summary><c>migration.postgres_version</c>: the server's major version that Test-Migration assumes offline.</summary>
    public int PostgresVersion { get; init; } = Linting.LintOptions.DefaultPostgresVersion;
}
