using SharedMigrations.Core.Model;
using SharedMigrations.Core.Parsing;

namespace SharedMigrations.Core.Linting;

/// <summary>The stable ids of Test-Migration's rules, with their default severity and summary (docs/lint.md has the catalogue).</summary>
internal static class LintRules
{
    public const string DropWithoutRestore = "DropWithoutRestore";
    public const string NotNullWithoutDefault = "NotNullWithoutDefault";
    public const string NonConcurrentIndex = "NonConcurrentIndex";
    public const string MissingDown = "MissingDown";
    public const string EmptyUp = "EmptyUp";
    public const string NonConcurrentDropIndex = "NonConcurrentDropIndex";
    public const string SetNotNull = "SetNotNull";
    public const string ConstraintWithoutNotValid = "ConstraintWithoutNotValid";
    public const string ForeignKeyWithoutNotValid = "ForeignKeyWithoutNotValid";
    public const string ValidateInSameTransaction = "ValidateInSameTransaction";
    public const string VolatileDefault = "VolatileDefault";
    public const string ColumnTypeChange = "ColumnTypeChange";
    public const string PrimaryKeyWithoutIndex = "PrimaryKeyWithoutIndex";
    public const string UniqueWithoutIndex = "UniqueWithoutIndex";
    public const string SerialPrimaryKey = "SerialPrimaryKey";
    public const string RenameColumn = "RenameColumn";
    public const string RenameTable = "RenameTable";
    public const string DropColumn = "DropColumn";
    public const string DropTable = "DropTable";
    public const string DropNotNull = "DropNotNull";
    public const string DropDatabase = "DropDatabase";
    public const string TruncateCascade = "TruncateCascade";
    public const string DomainWithConstraint = "DomainWithConstraint";
    public const string NonConcurrentReindex = "NonConcurrentReindex";
    public const string NonConcurrentDetachPartition = "NonConcurrentDetachPartition";
    public const string TableRewrite = "TableRewrite";
    public const string NotIdempotent = "NotIdempotent";
    public const string HistoryTableChange = "HistoryTableChange";
    public const string UncommittedTransaction = "UncommittedTransaction";
    public const string LintPolicy = "LintPolicy";

    /// <summary>Every rule Test-Migration can report, lint and format rules alike.</summary>
    public static IReadOnlyList<LintRule> All { get; } =
    [
        new(MigrationParser.RuleFileName, DiagnosticSeverity.Error, "The file name is not <version>_<name>.sql."),
        new(MigrationParser.RuleEncoding, DiagnosticSeverity.Error, "The file is not UTF-8."),
        new(MigrationParser.RuleMarkers, DiagnosticSeverity.Error, "The UP / DOWN section markers are missing or repeated."),
        new(MigrationParser.RuleHeader, DiagnosticSeverity.Error, "A header line is malformed."),
        new(
            MigrationParser.RuleSyntax,
            DiagnosticSeverity.Error,
            "The SQL cannot be split into statements (unterminated string, comment or body)."),
        new(
            MigrationParser.RuleTransaction,
            DiagnosticSeverity.Error,
            "A statement that cannot run in a transaction (CONCURRENTLY, VACUUM, ...) without '-- Transaction: none'."),
        new(MigrationParser.RuleTransactionControl, DiagnosticSeverity.Error, "BEGIN, COMMIT, ROLLBACK or SAVEPOINT inside a migration."),
        new(EmptyUp, DiagnosticSeverity.Warning, "The UP has no statement."),
        new(MissingDown, DiagnosticSeverity.Warning, "The file has no DOWN, or its DOWN has no statement."),
        new(DropWithoutRestore, DiagnosticSeverity.Warning, "The UP drops an object that the DOWN does not create again."),
        new(NonConcurrentIndex, DiagnosticSeverity.Warning, "CREATE INDEX without CONCURRENTLY on an existing table blocks its writes."),
        new(NonConcurrentDropIndex, DiagnosticSeverity.Warning, "DROP INDEX without CONCURRENTLY blocks reads and writes of its table."),
        new(NotNullWithoutDefault, DiagnosticSeverity.Warning, "ADD COLUMN ... NOT NULL without DEFAULT fails on a table with rows."),
        new(SetNotNull, DiagnosticSeverity.Warning, "SET NOT NULL scans the table under an ACCESS EXCLUSIVE lock."),
        new(
            ConstraintWithoutNotValid,
            DiagnosticSeverity.Warning,
            "ADD CHECK constraint without NOT VALID scans the table under an ACCESS EXCLUSIVE lock."),
        new(
            ForeignKeyWithoutNotValid,
            DiagnosticSeverity.Warning,
            "ADD FOREIGN KEY without NOT VALID scans the table while blocking writes on both tables."),
        new(
            ValidateInSameTransaction,
            DiagnosticSeverity.Warning,
            "VALIDATE CONSTRAINT in the transaction that added it keeps the ACCESS EXCLUSIVE lock during the scan."),
        new(
            VolatileDefault,
            DiagnosticSeverity.Warning,
            "ADD COLUMN with a volatile default, identity or stored generated column rewrites the table."),
        new(
            ColumnTypeChange,
            DiagnosticSeverity.Warning,
            "ALTER COLUMN ... TYPE rewrites the table and its indexes under an ACCESS EXCLUSIVE lock."),
        new(
            PrimaryKeyWithoutIndex,
            DiagnosticSeverity.Warning,
            "ADD PRIMARY KEY without USING INDEX builds the index under an ACCESS EXCLUSIVE lock."),
        new(
            UniqueWithoutIndex,
            DiagnosticSeverity.Warning,
            "ADD UNIQUE without USING INDEX builds the index under an ACCESS EXCLUSIVE lock."),
        new(
            SerialPrimaryKey,
            DiagnosticSeverity.Warning,
            "A serial or identity primary key added to an existing table rewrites it and builds the index under lock."),
        new(RenameColumn, DiagnosticSeverity.Warning, "Renaming a column breaks the code still running against the old name."),
        new(RenameTable, DiagnosticSeverity.Warning, "Renaming a table breaks the code still running against the old name."),
        new(DropColumn, DiagnosticSeverity.Warning, "Dropping a column breaks the code still reading or writing it."),
        new(DropTable, DiagnosticSeverity.Warning, "Dropping a table breaks the code still using it, and its data is gone."),
        new(DropNotNull, DiagnosticSeverity.Information, "DROP NOT NULL lets NULLs in that old code and a rollback may not handle."),
        new(DropDatabase, DiagnosticSeverity.Error, "DROP DATABASE in a migration."),
        new(TruncateCascade, DiagnosticSeverity.Warning, "TRUNCATE ... CASCADE empties every table that references it, too."),
        new(
            DomainWithConstraint,
            DiagnosticSeverity.Warning,
            "A domain with a constraint: adding or changing it scans every column of the domain under lock."),
        new(NonConcurrentReindex, DiagnosticSeverity.Warning, "REINDEX without CONCURRENTLY blocks writes (and reads that use the index)."),
        new(
            NonConcurrentDetachPartition,
            DiagnosticSeverity.Warning,
            "DETACH PARTITION without CONCURRENTLY blocks reads and writes of the partitioned table."),
        new(
            TableRewrite,
            DiagnosticSeverity.Warning,
            "VACUUM FULL, CLUSTER, SET TABLESPACE, SET LOGGED/UNLOGGED or REFRESH MATERIALIZED VIEW rewrites under an ACCESS EXCLUSIVE " +
                "lock."),
        new(
            NotIdempotent,
            DiagnosticSeverity.Information,
            "In a '-- Transaction: none' migration, a statement that fails when run again after a partial run."),
        new(
            UncommittedTransaction,
            DiagnosticSeverity.Error,
            "A '-- Transaction: none' section opens a transaction (BEGIN) that it never commits."),
        new(
            HistoryTableChange,
            DiagnosticSeverity.Error,
            "A statement drops, renames, truncates or alters the service's own history or audit tables."),
        new(LintPolicy, DiagnosticSeverity.Warning, "A lint:ignore comment or a lint: setting in config.yaml names an unknown rule."),
    ];

    private static readonly Dictionary<string, LintRule> ById = All.ToDictionary(r => r.Id, StringComparer.OrdinalIgnoreCase);

    /// <summary>The rule with that id (case-insensitive), or null.</summary>
    public static LintRule? Find(string id) => ById.GetValueOrDefault(id);
}
