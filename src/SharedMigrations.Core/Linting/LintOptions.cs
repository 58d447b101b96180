using SharedMigrations.Core.Configuration;

namespace SharedMigrations.Core.Linting;

/// <summary>How Test-Migration analyses a folder: the PostgreSQL version, the history table, the service's lint policy and,
/// online, what the database holds.</summary>
internal sealed class LintOptions
{
    /// <summary>
    /// The oldest PostgreSQL version SharedMigrations supports, assumed offline unless migration.postgres_version says otherwise.
    /// </summary>
    public const int DefaultPostgresVersion = 13;

    public static readonly LintOptions Default = new();

    /// <summary>The major version of the server the migrations will run on.</summary>
    public int PostgresVersion { get; init; } = DefaultPostgresVersion;

    /// <summary>The history table (its _log and _schema siblings are protected too).</summary>
    public HistoryTableName HistoryTable { get; init; } = HistoryTableName.Default;

    /// <summary>The lint: section of config.yaml.</summary>
    public LintSettings Policy { get; init; } = LintSettings.Empty;

    /// <summary>Online: the database's tables and applied versions; null offline.</summary>
    public LiveSchema? Live { get; init; }

    internal IReadOnlySet<string> HistoryTableKeys
    {
        get
        {
            var table = HistoryTable.Table.ToLowerInvariant();
            return new HashSet<string>(StringComparer.Ordinal) { table, table + HistoryTableName.LogSuffix, table + "_schema" };
        }
    }
}
