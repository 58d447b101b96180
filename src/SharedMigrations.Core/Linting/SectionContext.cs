using SharedMigrations.Core.Model;

namespace SharedMigrations.Core.Linting;

/// <summary>
/// Lints the statements of one section in order, knowing what the section created before each statement (new tables
/// and indexes: no lock findings on them), what earlier pending migrations created, and (online) which tables exist.
/// </summary>
internal sealed class SectionContext(Migration migration, LintOptions options, PendingObjects? pending, List<MigrationDiagnostic> findings)
{
    private const int StatementSnippetLength = 60;

    /// <summary>Lints one section's statements in order.</summary>
    /// <param name="section">"UP" or "DOWN".</param>
    /// <param name="statements">The analysed statements.</param>
    /// <param name="downCreates">For the UP when the file has a DOWN: what the DOWN creates (for DropWithoutRestore).</param>
    /// <param name="suppressions">The section's lint:ignore comments.</param>
    /// <param name="undoes">For the DOWN: what the UP creates. Dropping or renaming it is the DOWN's job, not a hazard.</param>
    public void Lint(
        string section,
        List<MigrationLinter.AnalyzedStatement> statements,
        List<SqlObjectRef>? downCreates,
        LintSuppressions suppressions,
        List<SqlObjectRef>? undoes = null)
    {
        var created = new List<SqlObjectRef>();
        var createdIndexes = new HashSet<string>(StringComparer.Ordinal);
        var notValid = new List<(SqlName Table, SqlName Constraint)>();

        foreach (var (line, message) in suppressions.Problems)
        {
            findings.Add(new MigrationDiagnostic(migration.FilePath, line, DiagnosticSeverity.Warning, LintRules.LintPolicy, message)
            {
                Fix = "Write '-- lint:ignore <RuleId> <reason>' with a rule id from docs/lint.md",
            });
        }

        bool RelationCreatedEarlier(SqlName name) =>
            created.Any(c => (c.Kind is SqlObjectKind.Table or SqlObjectKind.View) && c.Name.Matches(name));

        bool CreatedEarlier(SqlObjectRef obj) =>
            (obj.Table is { } table && RelationCreatedEarlier(table)) || created.Any(c => c.SameObject(obj));

        bool IsNew(SqlName table) =>
            RelationCreatedEarlier(table) || pending?.HasRelation(table) == true
            || (options.Live is { } live && live.TableBytes(table.Key) is null);

        MigrationLinter.AnalyzedStatement? openTransaction = null;
        foreach (var statement in statements)
        {
            if (migration.Transaction == TransactionMode.None
                && Parsing.NonTransactionalStatements.DetectTransactionControl(statement.Statement.Text) is { } control)
            {
                openTransaction = control is "BEGIN" or "START TRANSACTION" ? statement : null;
            }

            void Report(DiagnosticSeverity severity, string rule, string message, SqlName? table, LockMode mode, string? fix)
            {
                if (suppressions.Silences(rule, statement.Line, statement.EndLine))
                {
                    return;
                }

                if (options.Live is { } live && table is { } t && live.TableBytes(t.Key) is { } bytes)
                {
                    message += $" ({t} is {LiveSchema.FormatBytes(bytes)} now)";
                }

                findings.Add(new MigrationDiagnostic(migration.FilePath, statement.Line, severity, rule, message)
                {
                    Column = statement.Line is null ? null : statement.Column,
                    Statement = Snippet(statement.Statement.Text),
                    Table = table?.Display,
                    Lock = mode == LockMode.None ? null : mode.ToString(),
                    Fix = fix,
                });
            }

            var facts = statement.Facts;
            if (downCreates is not null)
            {
                foreach (var (dropped, _) in facts.Drops)
                {
                    // Dropping what this UP created earlier loses nothing (DROP ... IF EXISTS of a helper table, say).
                    if (CreatedEarlier(dropped) || MigrationLinter.IsRestored(dropped, downCreates))
                    {
                        continue;
                    }

                    var (message, fix) = MigrationLinter.DropMessage(dropped);
                    Report(
                        DiagnosticSeverity.Warning,
                        LintRules.DropWithoutRestore,
                        message,
                        dropped.Table ?? (dropped.Kind == SqlObjectKind.Table ? dropped.Name : null),
                        LockMode.None,
                        fix);
                }
            }

            foreach (var column in facts.NotNullColumnsWithoutDefault)
            {
                if (!IsNew(column.Table))
                {
                    Report(DiagnosticSeverity.Warning, LintRules.NotNullWithoutDefault,
                        $"{section} adds NOT NULL column {column.Column} to {column.Table} without a DEFAULT; this fails on a table that " +
                            $"has rows. Add a DEFAULT, or add the column nullable, backfill it, then SET NOT NULL",
                        column.Table, LockMode.AccessExclusive,
                        $"ALTER TABLE {column.Table} ADD COLUMN {column.Column} ... NOT NULL DEFAULT <constant> (no rewrite since " +
                            $"PostgreSQL 11), or add it nullable, backfill, then set NOT NULL");
                }
            }

            var model = statement.Model;
            foreach (var hazard in model.Hazards)
            {
                if (hazard.OnlyForExistingTable && hazard.Table is { } table && IsNew(table))
                {
                    continue;
                }

                if (undoes is not null && Undoes(undoes, hazard))
                {
                    continue;
                }

                if (hazard.Index is { } index && (createdIndexes.Contains(index.Key) || pending?.HasIndex(index) == true))
                {
                    continue;
                }

                var severity = hazard.Severity ?? LintRules.Find(hazard.Rule)?.Severity ?? DiagnosticSeverity.Warning;
                Report(severity, hazard.Rule, hazard.Message, hazard.Table, hazard.Lock, hazard.Fix);
            }

            if (migration.Transaction == TransactionMode.PerMigration)
            {
                foreach (var (table, constraint) in model.ValidatedConstraints)
                {
                    if (notValid.Any(n => n.Table.Matches(table) && n.Constraint.Matches(constraint)) && !IsNew(table))
                    {
                        Report(DiagnosticSeverity.Warning, LintRules.ValidateInSameTransaction,
                            $"{section} validates constraint {constraint} of {table} in the same transaction that added it NOT VALID: " +
                                $"the lock the ADD took is held until the commit, so the validation scan runs under it and NOT VALID " +
                                    $"gains nothing",
                            table, LockMode.AccessExclusive,
                            $"Move ALTER TABLE {table} VALIDATE CONSTRAINT {constraint} to a later migration");
                    }
                }
            }

            notValid.AddRange(model.NotValidConstraints);
            foreach (var index in model.CreatedIndexes)
            {
                createdIndexes.Add(index.Key);
            }

            foreach (var c in facts.Creates)
            {
                if (c.RenamedFrom is not { } from)
                {
                    created.Add(c);
                }
                else if (c.Kind == SqlObjectKind.Table ? RelationCreatedEarlier(from) : CreatedEarlier(c with
                {
                    Name = from,
                    RenamedFrom = null,
                }))
                {
                    created.Add(c with { RenamedFrom = null }); // a new object under a new name is still new
                }
            }
        }

        if (openTransaction is { } open && !suppressions.Silences(LintRules.UncommittedTransaction, open.Line, open.EndLine))
        {
            findings.Add(new MigrationDiagnostic(migration.FilePath, open.Line, DiagnosticSeverity.Error, LintRules.UncommittedTransaction,
                $"{section} opens a transaction that it never commits: its statements are rolled back when the connection closes, yet " +
                    $"the migration is recorded as applied")
            {
                Column = open.Column,
                Statement = Snippet(open.Statement.Text),
                Fix = "End the section with COMMIT, or remove the BEGIN",
            });
        }
    }

    private static readonly HashSet<string> UndoRules = new(StringComparer.Ordinal)
    {
        LintRules.DropTable, LintRules.DropColumn, LintRules.RenameTable, LintRules.RenameColumn, LintRules.DropNotNull,
    };

    /// <summary>Whether a DOWN's hazard drops or renames what its UP created (the table, or the column).</summary>
    private static bool Undoes(List<SqlObjectRef> upCreates, Hazard hazard)
    {
        if (!UndoRules.Contains(hazard.Rule) || hazard.Table is not { } table)
        {
            return false;
        }

        return upCreates.Any(c =>
            (c.Kind is SqlObjectKind.Table or SqlObjectKind.View && c.Name.Matches(table))
            || (hazard.Column is { } column && c.Kind == SqlObjectKind.Column && c.Name.Matches(
                column) && c.Table is { } t && t.Matches(table)));
    }

    /// <summary>The start of a statement's text on one line, for the Statement column.</summary>
    internal static string Snippet(string text)
    {
        var oneLine = string.Join(' ', text.Split((char[])[' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries));
        return oneLine.Length <= StatementSnippetLength ? oneLine : oneLine[..(StatementSnippetLength - 3)] + "...";
    }
}
