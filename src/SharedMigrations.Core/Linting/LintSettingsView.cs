using SharedMigrations.Core.Model;

namespace SharedMigrations.Core.Linting;

/// <summary>What the statement model needs to know about the run: the server version, the migration's transaction mode,
/// and the names (lower-cased, without schema) of the service's history tables.</summary>
internal sealed record LintSettingsView(int PostgresVersion, TransactionMode Transaction, IReadOnlySet<string> HistoryTables);
