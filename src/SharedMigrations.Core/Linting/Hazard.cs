using SharedMigrations.Core.Model;

namespace SharedMigrations.Core.Linting;

/// <summary>A finding of the statement model before context and policy are applied.</summary>
/// <param name="Rule">The rule id (see <see cref="LintRules"/>).</param>
/// <param name="Table">The table it is about, when there is one.</param>
/// <param name="Lock">The lock the statement takes on that table.</param>
/// <param name="Message">What live traffic (or a rollback) suffers.</param>
/// <param name="Fix">The safe recipe.</param>
internal sealed record Hazard(string Rule, SqlName? Table, LockMode Lock, string Message, string Fix)
{
    /// <summary>
    /// The finding is about a table that holds data and is in use: when the table is new (created earlier in the
    /// migration or in a pending one) it is dropped. False for findings that hold for any table (DROP DATABASE, the
    /// history table).
    /// </summary>
    public bool OnlyForExistingTable { get; init; } = true;

    /// <summary>For DROP INDEX: the index, new when created earlier in the migration or in a pending one.</summary>
    public SqlName? Index { get; init; }

    /// <summary>For DropColumn, RenameColumn and DropNotNull: the column (a DOWN that undoes what its UP added is fine).</summary>
    public SqlName? Column { get; init; }

    /// <summary>A finding that is at most Information on this table (kept for the severity override).</summary>
    public DiagnosticSeverity? Severity { get; init; }
}
