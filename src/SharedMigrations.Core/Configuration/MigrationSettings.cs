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

    /// <summary><c>migration.schemas</c>: the schemas a schema snapshot covers (null: every non-system schema).</summary>
    public IReadOnlyList<string>? Schemas { get; init; }

    /// <summary>
    /// <c>migration.schema_file</c>: the schema file, relative to the service folder, rewritten after each changing up or down.
    /// </summary>
    public string? SchemaFile { get; init; }

    /// <summary><c>migration.on_drift</c>: what Invoke-MigrationUp does when the schema changed outside the migrations.</summary>
    public Schema.DriftAction OnDrift { get; init; } = Schema.DriftAction.Warn;
}
