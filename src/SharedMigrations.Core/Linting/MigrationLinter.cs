using SharedMigrations.Core.Errors;
using SharedMigrations.Core.Linting;
using SharedMigrations.Core.Model;

namespace SharedMigrations.Core.Linting;

/// <summary>
/// PostgreSQL-aware lint of migration files, for <c>Test-Migration</c>: risky statements that are valid SQL but hurt in
/// production or make a rollback impossible. Offline: reads the files only. Tuned to avoid false positives (it runs in
/// CI): keywords are matched only in code (never in comments, strings, quoted identifiers or dollar-quoted bodies such
/// as DO blocks and function bodies), and only at the start of a statement.
/// </summary>
internal static class MigrationLinter
{
    /// <summary>The UP drops a table, view, type, function, schema, sequence, column or constraint that the DOWN does not create again.</summary>
    public const string RuleDropWithoutRestore = "DropWithoutRestore";

    /// <summary>ALTER TABLE ... ADD COLUMN ... NOT NULL without a DEFAULT (Warning); ALTER COLUMN ... SET NOT NULL (Information).</summary>
    public const string RuleNotNullWithoutDefault = "NotNullWithoutDefault";

    /// <summary>CREATE INDEX without CONCURRENTLY on a table that the migration did not create.</summary>
    public const string RuleNonConcurrentIndex = "NonConcurrentIndex";

    /// <summary>The file has no DOWN section, or its DOWN has no statement.</summary>
    public const string RuleMissingDown = "MissingDown";

    /// <summary>The UP has no statement.</summary>
    public const string RuleEmptyUp = "EmptyUp";

    /// <summary>
    /// Lint findings for one valid migration, in line order (findings about the whole file, with no line, first). Each
    /// has the file path and the 1-based line of the statement it is about.
    /// </summary>
    /// <remarks>
    /// DropWithoutRestore looks at the UP; NotNullWithoutDefault and NonConcurrentIndex look at both sections (a DOWN
    /// that adds back a NOT NULL column or rebuilds an index has the same problem when it runs), each section on its own:
    /// a table created earlier in the same section is new, so it has no rows and nobody writes to it yet.
    /// </remarks>
    public static IReadOnlyList<MigrationDiagnostic> Lint(Migration migration)
    {
        ArgumentNullException.ThrowIfNull(migration);

        var findings = new List<MigrationDiagnostic>();
        void Add(int? line, DiagnosticSeverity severity, string rule, string message) =>
            findings.Add(new MigrationDiagnostic(migration.FilePath, line, severity, rule, message));

        if (migration.Up.IsEmpty)
        {
            Add(UpMarkerLine(migration), DiagnosticSeverity.Warning, RuleEmptyUp,
                "has no statement in its UP: applying it changes nothing, yet it is recorded as applied. Write the migration's SQL under '-- +++++ UP', or delete the file");
        }

        if (!migration.HasDownSection)
        {
            Add(null, DiagnosticSeverity.Warning, RuleMissingDown,
                "has no DOWN: Undo-Migration refuses it while rollback_safety is on. Add a '-- +++++ DOWN' section with the statements that undo the UP");
        }
        else if (migration.Down.IsEmpty)
        {
            Add(DownMarkerLine(migration), DiagnosticSeverity.Warning, RuleMissingDown,
                "has no DOWN (the DOWN section has no statement): Undo-Migration refuses it while rollback_safety is on. Write the statements that undo the UP under '-- +++++ DOWN'");
        }

        var down = Analyze(migration.Down);
        var downCreates = down.SelectMany(s => s.Facts.Creates).ToList();

        LintSection("UP", Analyze(migration.Up), downCreates, Add);
        LintSection("DOWN", down, null, Add);

        return findings
            .Select((finding, index) => (finding, index))
            .OrderBy(x => x.finding.Line ?? 0)
            .ThenBy(x => x.index)
            .Select(x => x.finding)
            .ToArray();
    }

    /// <summary>
    /// Everything Test-Migration reports for a folder: the loader's format diagnostics (errors, in file order), then the
    /// lint findings of every valid migration (in version order, each file's in line order).
    /// </summary>
    public static IReadOnlyList<MigrationDiagnostic> Check(MigrationSet set)
    {
        ArgumentNullException.ThrowIfNull(set);

        var all = new List<MigrationDiagnostic>(set.Diagnostics);
        foreach (var migration in set.Migrations)
        {
            all.AddRange(Lint(migration));
        }

        return all;
    }

    private sealed record AnalyzedStatement(int? Line, StatementFacts Facts);

    private static List<AnalyzedStatement> Analyze(MigrationScript script) =>
        script.Statements.Select(s => new AnalyzedStatement(script.LineOf(s.Offset), StatementFacts.Of(s.Text))).ToList();

    private static void LintSection(
        string section,
        List<AnalyzedStatement> statements,
        List<SqlObjectRef>? downCreates,
        Action<int?, DiagnosticSeverity, string, string> add)
    {
        var created = new List<SqlObjectRef>();

        bool RelationCreatedEarlier(SqlName name) =>
            created.Any(c => (c.Kind is SqlObjectKind.Table or SqlObjectKind.View) && c.Name.Matches(name));

        bool CreatedEarlier(SqlObjectRef obj) =>
            (obj.Table is { } table && RelationCreatedEarlier(table)) || created.Any(c => c.SameObject(obj));

        foreach (var (line, facts) in statements)
        {
            if (downCreates is not null)
            {
                foreach (var (dropped, _) in facts.Drops)
                {
                    // Dropping what this UP created earlier loses nothing (DROP ... IF EXISTS of a helper table, say).
                    if (CreatedEarlier(dropped) || IsRestored(dropped, downCreates))
                    {
                        continue;
                    }

                    add(line, DiagnosticSeverity.Warning, RuleDropWithoutRestore, DropMessage(dropped));
                }
            }

            foreach (var column in facts.NotNullColumnsWithoutDefault)
            {
                if (!RelationCreatedEarlier(column.Table))
                {
                    add(line, DiagnosticSeverity.Warning, RuleNotNullWithoutDefault,
                        $"{section} adds NOT NULL column {column.Column} to {column.Table} without a DEFAULT; this fails on a table that has rows. Add a DEFAULT, or add the column nullable, backfill it, then SET NOT NULL");
                }
            }

            foreach (var column in facts.SetNotNull)
            {
                if (!RelationCreatedEarlier(column.Table))
                {
                    add(line, DiagnosticSeverity.Information, RuleNotNullWithoutDefault,
                        $"{section} sets column {column.Column} of {column.Table} NOT NULL; this scans the whole table under an ACCESS EXCLUSIVE lock. On a large table, first add CHECK ({column.Column} IS NOT NULL) NOT VALID and VALIDATE it in an earlier migration, so SET NOT NULL can skip the scan");
                }
            }

            if (facts.Index is { Concurrently: false, Only: false } index && !RelationCreatedEarlier(index.Table))
            {
                var what = index.Name is { } name ? $"index {name}" : "an index";
                add(line, DiagnosticSeverity.Warning, RuleNonConcurrentIndex,
                    $"{section} builds {what} on existing table {index.Table} without CONCURRENTLY; this blocks writes to {index.Table} while it builds. Use CREATE INDEX CONCURRENTLY in a migration with '-- Transaction: none'");
            }

            foreach (var c in facts.Creates)
            {
                if (c.RenamedFrom is not { } from)
                {
                    created.Add(c);
                }
                else if (c.Kind == SqlObjectKind.Table ? RelationCreatedEarlier(from) : CreatedEarlier(c with { Name = from, RenamedFrom = null }))
                {
                    created.Add(c with { RenamedFrom = null }); // a new object under a new name is still new
                }
            }
        }
    }

    /// <summary>Whether the DOWN creates the object again (or, for a column or constraint, creates its table again).</summary>
    private static bool IsRestored(SqlObjectRef dropped, List<SqlObjectRef> downCreates) =>
        downCreates.Any(c => c.SameObject(dropped)
            || (dropped.Table is { } table && c.Kind == SqlObjectKind.Table && c.Name.Matches(table)));

    private static string DropMessage(SqlObjectRef dropped)
    {
        if (dropped.Table is { } table)
        {
            return dropped.Kind == SqlObjectKind.Column
                ? $"UP drops column {dropped.Name} of {table} but the DOWN does not add it again; a rollback cannot restore it (and its data is lost either way). Add ALTER TABLE {table} ADD COLUMN {dropped.Name} ... to the DOWN"
                : $"UP drops constraint {dropped.Name} of {table} but the DOWN does not add it again; a rollback cannot restore it. Add ALTER TABLE {table} ADD CONSTRAINT {dropped.Name} ... to the DOWN";
        }

        var lost = dropped.Kind switch
        {
            SqlObjectKind.Table => " (and its data is lost either way)",
            SqlObjectKind.Sequence => " (and its current value is lost either way)",
            _ => string.Empty,
        };
        return $"UP drops {dropped.Noun} {dropped.Name} but the DOWN does not create it again; a rollback cannot restore it{lost}. Add CREATE {dropped.Noun.ToUpperInvariant()} {dropped.Name} ... to the DOWN";
    }

    /// <summary>
    /// The line of the '-- +++++ UP' marker: the UP text starts on the line after it. Unknown (null) only for a file
    /// that ends right after the marker, where the two cannot be told apart.
    /// </summary>
    private static int? UpMarkerLine(Migration migration)
    {
        if (migration.Up.LineOf(0) is not { } first)
        {
            return null;
        }

        if (first == 1)
        {
            return 1;
        }

        return migration.Up.Text.Length > 0 || migration.HasDownSection ? first - 1 : null;
    }

    /// <summary>The line of the '-- +++++ DOWN' marker: the UP text ends where that line starts.</summary>
    private static int? DownMarkerLine(Migration migration) => migration.Up.LineOf(migration.Up.Text.Length);
}
