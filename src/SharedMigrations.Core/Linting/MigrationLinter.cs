using SharedMigrations.Core.Errors;
using SharedMigrations.Core.Linting;
using SharedMigrations.Core.Model;
using SharedMigrations.Core.Parsing;

namespace SharedMigrations.Core.Linting;

/// <summary>
/// PostgreSQL-aware lint of migration files, for <c>Test-Migration</c>: risky statements that are valid SQL but hurt in
/// production or make a rollback impossible. Offline: reads the files only. Tuned to avoid false positives (it runs in
/// CI): keywords are matched only in code (never in comments, strings, quoted identifiers or dollar-quoted bodies such
/// as DO blocks and function bodies), and only at the start of a statement.
/// </summary>
internal static class MigrationLinter
{
    /// <summary>
    /// The UP drops a table, view, type, function, schema, sequence, column or constraint that the DOWN does not create again.
    /// </summary>
    public const string RuleDropWithoutRestore = LintRules.DropWithoutRestore;

    /// <summary>ALTER TABLE ... ADD COLUMN ... NOT NULL without a DEFAULT (Warning); ALTER COLUMN ... SET NOT NULL (Information).</summary>
    public const string RuleNotNullWithoutDefault = LintRules.NotNullWithoutDefault;

    /// <summary>CREATE INDEX without CONCURRENTLY on a table that the migration did not create.</summary>
    public const string RuleNonConcurrentIndex = LintRules.NonConcurrentIndex;

    /// <summary>The file has no DOWN section, or its DOWN has no statement.</summary>
    public const string RuleMissingDown = LintRules.MissingDown;

    /// <summary>The UP has no statement.</summary>
    public const string RuleEmptyUp = LintRules.EmptyUp;

    /// <summary>
    /// Lint findings for one valid migration, offline with the defaults (PostgreSQL 13, the default history table, no
    /// policy), in line order (findings about the whole file, with no line, first).
    /// </summary>
    public static IReadOnlyList<MigrationDiagnostic> Lint(Migration migration) => Lint(migration, LintOptions.Default, null);

    /// <summary>
    /// Everything Test-Migration reports for a folder: the loader's format diagnostics (errors, in file order), then the
    /// lint findings of every valid migration (in version order, each file's in line order; online, the findings on the
    /// biggest tables first).
    /// </summary>
    public static IReadOnlyList<MigrationDiagnostic> Check(MigrationSet set) => Check(set, LintOptions.Default);

    /// <inheritdoc cref="Check(MigrationSet)"/>
    public static IReadOnlyList<MigrationDiagnostic> Check(MigrationSet set, LintOptions options)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(options);

        var all = new List<MigrationDiagnostic>(set.Diagnostics);
        var pending = new PendingObjects();
        var lint = new List<MigrationDiagnostic>();
        foreach (var migration in set.Migrations)
        {
            var isPending = options.Live?.IsPending(migration.Version) == true;
            lint.AddRange(Lint(migration, options, pending));
            if (isPending)
            {
                pending.Add(migration);
            }
        }

        if (options.Live is { } live)
        {
            // Big tables first; the rest keep their file and line order.
            lint = lint.Select((d, i) => (d, i))
                .OrderByDescending(x => x.d.Table is { } t ? live.TableBytes(TableKey(t)) ?? -1 : -1)
                .ThenBy(x => x.i)
                .Select(x => x.d)
                .ToList();
        }

        all.AddRange(lint);
        return all;
    }

    private static string TableKey(string display)
    {
        var last = display[(display.LastIndexOf('.') + 1)..];
        return (last.StartsWith('"') && last.EndsWith('"') && last.Length >= 2 ? last[1..^1] : last).ToLowerInvariant();
    }

    internal static IReadOnlyList<MigrationDiagnostic> Lint(Migration migration, LintOptions options, PendingObjects? pending)
    {
        ArgumentNullException.ThrowIfNull(migration);
        var version = options.Live?.ServerVersion ?? options.PostgresVersion;
        var settings = new LintSettingsView(version, migration.Transaction, options.HistoryTableKeys);
        var findings = new List<MigrationDiagnostic>();
        void Add(int? line, DiagnosticSeverity severity, string rule, string message) =>
            findings.Add(new MigrationDiagnostic(migration.FilePath, line, severity, rule, message));

        if (migration.Up.IsEmpty)
        {
            Add(UpMarkerLine(migration), DiagnosticSeverity.Warning, RuleEmptyUp,
                "has no statement in its UP: applying it changes nothing, yet it is recorded as applied. Write the migration's SQL under " +
                    "'-- +++++ UP', or delete the file");
        }

        var missingDown = true;
        if (!migration.HasDownSection)
        {
            Add(null, DiagnosticSeverity.Warning, RuleMissingDown,
                "has no DOWN: Undo-Migration refuses it while rollback_safety is on. Add a '-- +++++ DOWN' section with the statements " +
                    "that undo the UP");
        }
        else if (migration.Down.IsEmpty)
        {
            Add(DownMarkerLine(migration), DiagnosticSeverity.Warning, RuleMissingDown,
                "has no DOWN (the DOWN section has no statement): Undo-Migration refuses it while rollback_safety is on. Write the " +
                    "statements that undo the UP under '-- +++++ DOWN'");
        }
        else
        {
            missingDown = false;
        }

        var up = Analyze(migration.Up, "UP", settings);
        var down = Analyze(migration.Down, "DOWN", settings);
        var downCreates = down.SelectMany(s => s.Facts.Creates).ToList();

        // A missing DOWN is one cause: it is reported once, not again for every drop of the UP.
        var context = new SectionContext(migration, options, pending, findings);
        context.Lint("UP", up, missingDown ? null : downCreates, LintSuppressions.Read(migration.Up));
        context.Lint("DOWN", down, null, LintSuppressions.Read(migration.Down), up.SelectMany(s => s.Facts.Creates).ToList());

        return ApplyPolicy(OneCausePerHistoryChange(findings), options.Policy)
            .Select((finding, index) => (finding, index))
            .OrderBy(x => x.finding.Line ?? 0)
            .ThenBy(x => x.index)
            .Select(x => x.finding)
            .ToArray();
    }

    /// <summary>
    /// A statement that touches the service's own history tables is one cause: its HistoryTableChange error stands alone,
    /// without the DropTable, DropWithoutRestore or lock findings that the same statement would raise on another table.
    /// </summary>
    private static List<MigrationDiagnostic> OneCausePerHistoryChange(List<MigrationDiagnostic> findings)
    {
        var history = findings.Where(f => f.Rule == LintRules.HistoryTableChange).ToList();
        if (history.Count == 0)
        {
            return findings;
        }

        return findings
            .Where(f => f.Rule == LintRules.HistoryTableChange ||
                !history.Any(h => h.Line == f.Line && (h.Statement is null || f.Statement is null || h.Statement == f.Statement)))
            .ToList();
    }

    /// <summary>The service's lint: policy: disabled rules dropped, severities replaced.</summary>
    private static IEnumerable<MigrationDiagnostic> ApplyPolicy(List<MigrationDiagnostic> findings, Configuration.LintSettings policy)
    {
        if (policy.Disable.Count == 0 && policy.Severity.Count == 0)
        {
            return findings;
        }

        return findings
            .Where(f => !policy.Disable.Any(d => d.Rule.Equals(f.Rule, StringComparison.OrdinalIgnoreCase)))
            .Select(f => policy.Severity.FirstOrDefault(s => s.Rule.Equals(
                f.Rule,
                StringComparison.OrdinalIgnoreCase)) is { Severity: { } severity }
                ? f with { Severity = severity }
                : f);
    }

    internal sealed record AnalyzedStatement(
        SqlStatement Statement,
        int? Line,
        int? EndLine,
        int Column,
        StatementFacts Facts,
        StatementModel Model);

    private static List<AnalyzedStatement> Analyze(MigrationScript script, string section, LintSettingsView settings)
    {
        var list = new List<AnalyzedStatement>(script.Statements.Count);
        foreach (var s in script.Statements)
        {
            var tokens = SqlTokenList.Read(s.Text);
            var lineStart = s.Offset == 0 ? 0 : script.Text.LastIndexOf('\n', s.Offset - 1) + 1;
            list.Add(new AnalyzedStatement(
                s,
                script.LineOf(s.Offset),
                script.LineOf(s.Offset + Math.Max(0, s.Length - 1)),
                s.Offset - lineStart + 1,
                StatementFacts.Of(tokens),
                StatementModel.Of(tokens, section, settings)));
        }

        return list;
    }

    /// <summary>Whether the DOWN creates the object again (or, for a column or constraint, creates its table again).</summary>
    internal static bool IsRestored(SqlObjectRef dropped, List<SqlObjectRef> downCreates) =>
        downCreates.Any(c => c.SameObject(dropped)
            || (dropped.Table is { } table && c.Kind == SqlObjectKind.Table && c.Name.Matches(table)));

    internal static (string Message, string Fix) DropMessage(SqlObjectRef dropped)
    {
        if (dropped.Table is { } table)
        {
            return dropped.Kind == SqlObjectKind.Column
                ? ($"UP drops column {dropped.Name} of {table} but the DOWN does not add it again; a rollback cannot restore it (and its " +
                    $"data is lost either way). Add ALTER TABLE {table} ADD COLUMN {dropped.Name} ... to the DOWN",
                    $"ALTER TABLE {table} ADD COLUMN {dropped.Name} ... in the DOWN")
                : ($"UP drops constraint {dropped.Name} of {table} but the DOWN does not add it again; a rollback cannot restore it. Add " +
                    $"ALTER TABLE {table} ADD CONSTRAINT {dropped.Name} ... to the DOWN",
                    $"ALTER TABLE {table} ADD CONSTRAINT {dropped.Name} ... in the DOWN");
        }

        var lost = dropped.Kind switch
        {
            SqlObjectKind.Table => " (and its data is lost either way)",
            SqlObjectKind.Sequence => " (and its current value is lost either way)",
            _ => string.Empty,
        };
        var create = $"CREATE {dropped.Noun.ToUpperInvariant()} {dropped.Name} ...";
        return ($"UP drops {dropped.Noun} {dropped.Name} but the DOWN does not create it again; a rollback cannot restore it{lost}. " +
            $"Add {create} to the DOWN",
            $"{create} in the DOWN");
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
