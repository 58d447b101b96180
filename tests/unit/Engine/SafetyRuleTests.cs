using SharedMigrations.Core;
using SharedMigrations.Core.Linting;
using SharedMigrations.Core.Parsing;
using SharedMigrations.Tests.Support;

namespace SharedMigrations.Tests.Engine;

/// <summary>Each safety rule: a statement it flags, a safe statement it accepts, and the context where the table is new.</summary>
public class SafetyRuleTests
{
    private const string None = "-- Transaction: none";

    private static Migration Parse(string text, string path = "/m/001_x.sql")
    {
        var result = MigrationParser.Parse(path, text);
        Assert.False(result.HasErrors, string.Join("; ", result.Diagnostics));
        return result.Migration!;
    }

    private static string File(string up, string? down, string? headers) =>
        (headers is null ? string.Empty : headers + "\n") + "-- +++++ UP\n" + up + "\n"
            + (down is null ? string.Empty : "-- +++++ DOWN\n" + down + "\n");

    private static IReadOnlyList<MigrationDiagnostic> Lint(
        string up,
        string? down = "SELECT 1;",
        string? headers = null,
        LintOptions? options = null) =>
        MigrationLinter.Lint(Parse(File(up, down, headers)), options ?? LintOptions.Default, null);

    private static string[] Rules(IEnumerable<MigrationDiagnostic> findings) => findings.Select(f => f.Rule).ToArray();

    public static TheoryData<string, string, string, string, string?> Cases => new()
    {
        // rule, flagged UP, accepted UP, context UP (the table is created earlier in the same UP), headers
        {
            LintRules.NonConcurrentIndex,
            "CREATE INDEX i ON t (x);",
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (x);",
            "CREATE TABLE t (x int);\nCREATE INDEX i ON t (x);",
            None
        },
        {
            LintRules.NonConcurrentDropIndex,
            "DROP INDEX i;",
            "DROP INDEX CONCURRENTLY IF EXISTS i;",
            "CREATE TABLE t (x int);\nCREATE INDEX i ON t (x);\nDROP INDEX i;",
            None
        },
        {
            LintRules.SetNotNull,
            "ALTER TABLE t ALTER COLUMN c SET NOT NULL;",
            "ALTER TABLE t ALTER COLUMN c SET DEFAULT 1;",
            "CREATE TABLE t (c int);\nALTER TABLE t ALTER COLUMN c SET NOT NULL;",
            null
        },
        {
            LintRules.NotNullWithoutDefault,
            "ALTER TABLE t ADD COLUMN c int NOT NULL;",
            "ALTER TABLE t ADD COLUMN c int NOT NULL DEFAULT 0;",
            "CREATE TABLE t (id int);\nALTER TABLE t ADD COLUMN c int NOT NULL;",
            null
        },
        {
            LintRules.ConstraintWithoutNotValid,
            "ALTER TABLE t ADD CONSTRAINT c CHECK (x > 0);",
            "ALTER TABLE t ADD CONSTRAINT c CHECK (x > 0) NOT VALID;",
            "CREATE TABLE t (x int);\nALTER TABLE t ADD CONSTRAINT c CHECK (x > 0);",
            null
        },
        {
            LintRules.ForeignKeyWithoutNotValid,
            "ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (u) REFERENCES users (id);",
            "ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (u) REFERENCES users (id) NOT VALID;",
            "CREATE TABLE t (u int);\nALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (u) REFERENCES users (id);",
            null
        },
        {
            LintRules.ValidateInSameTransaction,
            "ALTER TABLE t ADD CONSTRAINT c CHECK (x > 0) NOT VALID;\nALTER TABLE t VALIDATE CONSTRAINT c;",
            "ALTER TABLE t VALIDATE CONSTRAINT c;",
            "CREATE TABLE t (x int);\nALTER TABLE t ADD CONSTRAINT c CHECK (x > 0) NOT VALID;\nALTER TABLE t VALIDATE CONSTRAINT c;",
            null
        },
        {
            LintRules.VolatileDefault,
            "ALTER TABLE t ADD COLUMN id uuid DEFAULT gen_random_uuid();",
            "ALTER TABLE t ADD COLUMN at timestamptz NOT NULL DEFAULT now();",
            "CREATE TABLE t (x int);\nALTER TABLE t ADD COLUMN id uuid DEFAULT gen_random_uuid();",
            null
        },
        {
            LintRules.ColumnTypeChange,
            "ALTER TABLE t ALTER COLUMN c TYPE bigint;",
            "ALTER TABLE t ALTER COLUMN c SET DEFAULT 0;",
            "CREATE TABLE t (c int);\nALTER TABLE t ALTER COLUMN c SET DATA TYPE bigint;",
            null
        },
        {
            LintRules.PrimaryKeyWithoutIndex,
            "ALTER TABLE t ADD PRIMARY KEY (id);",
            "ALTER TABLE t ADD CONSTRAINT t_pkey PRIMARY KEY USING INDEX t_id_idx;",
            "CREATE TABLE t (id int);\nALTER TABLE t ADD PRIMARY KEY (id);",
            null
        },
        {
            LintRules.UniqueWithoutIndex,
            "ALTER TABLE t ADD CONSTRAINT u UNIQUE (email);",
            "ALTER TABLE t ADD CONSTRAINT u UNIQUE USING INDEX t_email;",
            "CREATE TABLE t (email text);\nALTER TABLE t ADD CONSTRAINT u UNIQUE (email);",
            null
        },
        {
            LintRules.SerialPrimaryKey,
            "ALTER TABLE t ADD COLUMN id bigserial PRIMARY KEY;",
            "ALTER TABLE t ADD COLUMN id bigint;",
            "CREATE TABLE t (x int);\nALTER TABLE t ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY;",
            null
        },
        {
            LintRules.RenameColumn,
            "ALTER TABLE t RENAME COLUMN a TO b;",
            "ALTER TABLE t RENAME CONSTRAINT a TO b;",
            "CREATE TABLE t (a int);\nALTER TABLE t RENAME COLUMN a TO b;",
            null
        },
        {
            LintRules.RenameTable,
            "ALTER TABLE t RENAME TO t2;",
            "ALTER INDEX i RENAME TO j;",
            "CREATE TABLE t (a int);\nALTER TABLE t RENAME TO t2;",
            null
        },
        {
            LintRules.DropColumn,
            "ALTER TABLE t DROP COLUMN c;",
            "ALTER TABLE t DROP CONSTRAINT k;",
            "CREATE TABLE t (c int);\nALTER TABLE t DROP COLUMN c;",
            null
        },
        { LintRules.DropTable, "DROP TABLE t;", "DROP VIEW v;", "CREATE TABLE t (c int);\nDROP TABLE t;", null },
        {
            LintRules.DropNotNull,
            "ALTER TABLE t ALTER COLUMN c DROP NOT NULL;",
            "ALTER TABLE t ALTER COLUMN c DROP DEFAULT;",
            "CREATE TABLE t (c int NOT NULL);\nALTER TABLE t ALTER COLUMN c DROP NOT NULL;",
            null
        },
        { LintRules.TruncateCascade, "TRUNCATE t CASCADE;", "TRUNCATE t;", "CREATE TABLE t (c int);\nTRUNCATE TABLE t CASCADE;", null },
        {
            LintRules.NonConcurrentReindex,
            "REINDEX TABLE t;",
            "REINDEX TABLE CONCURRENTLY t;",
            "CREATE TABLE t (c int);\nREINDEX TABLE t;",
            None
        },
        {
            LintRules.NonConcurrentDetachPartition,
            "ALTER TABLE p DETACH PARTITION p1;",
            "ALTER TABLE p DETACH PARTITION p1 CONCURRENTLY;",
            "CREATE TABLE p (c int) PARTITION BY RANGE (c);\nALTER TABLE p DETACH PARTITION p1;",
            None
        },
        {
            LintRules.TableRewrite,
            "CLUSTER t USING t_pkey;",
            "ALTER TABLE t SET (fillfactor = 70);",
            "CREATE TABLE t (c int);\nALTER TABLE t SET TABLESPACE fast;",
            null
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_rule_flags_the_risky_form_accepts_the_safe_one_and_is_silent_on_a_new_table(
        string rule,
        string flagged,
        string accepted,
        string context,
        string? headers)
    {
        var findings = Lint(flagged, headers: headers);
        var finding = Assert.Single(findings, f => f.Rule == rule);
        Assert.NotNull(finding.Fix);
        Assert.NotEmpty(finding.Fix!);
        Assert.NotNull(finding.Lock);
        Assert.Equal(1, finding.Column);
        Assert.StartsWith(flagged.Split('\n')[^1][..10], finding.Statement);
        Assert.StartsWith("UP ", finding.Message);

        Assert.DoesNotContain(rule, Rules(Lint(accepted, headers: headers)));
        Assert.DoesNotContain(rule, Rules(Lint(context, headers: headers)));
    }

    [Fact]
    public void Drop_database_is_an_error_wherever_it_is()
    {
        var findings = Lint("DROP DATABASE other;", headers: None);
        var finding = Assert.Single(findings, f => f.Rule == LintRules.DropDatabase);
        Assert.Equal(DiagnosticSeverity.Error, finding.Severity);
        Assert.DoesNotContain(LintRules.DropDatabase, Rules(Lint("DROP SCHEMA other CASCADE;", "CREATE SCHEMA other;")));
    }

    [Fact]
    public void Domains_with_constraints()
    {
        var alter = Assert.Single(
            Lint("ALTER DOMAIN positive ADD CONSTRAINT p CHECK (VALUE > 0);"),
            f => f.Rule == LintRules.DomainWithConstraint);
        Assert.Equal(DiagnosticSeverity.Warning, alter.Severity);
        Assert.DoesNotContain(
            LintRules.DomainWithConstraint,
            Rules(Lint("ALTER DOMAIN positive ADD CONSTRAINT p CHECK (VALUE > 0) NOT VALID;")));

        var create = Assert.Single(
            Lint("CREATE DOMAIN positive AS int CHECK (VALUE > 0);", "DROP DOMAIN positive;"),
            f => f.Rule == LintRules.DomainWithConstraint);
        Assert.Equal(DiagnosticSeverity.Information, create.Severity);
        Assert.DoesNotContain(LintRules.DomainWithConstraint, Rules(Lint("CREATE DOMAIN email AS text;", "DROP DOMAIN email;")));
    }

    [Fact]
    public void Detach_partition_concurrently_is_offered_from_postgres_14()
    {
        var on13 = Assert.Single(Lint("ALTER TABLE p DETACH PARTITION p1;"), f => f.Rule == LintRules.NonConcurrentDetachPartition);
        Assert.Equal(DiagnosticSeverity.Information, on13.Severity);
        Assert.Contains("needs PostgreSQL 14", on13.Fix);

        var on14 = Assert.Single(
            Lint("ALTER TABLE p DETACH PARTITION p1;", options: new LintOptions { PostgresVersion = 14 }),
            f => f.Rule == LintRules.NonConcurrentDetachPartition);
        Assert.Equal(DiagnosticSeverity.Warning, on14.Severity);
        Assert.Contains("DETACH PARTITION p1 CONCURRENTLY", on14.Fix);
    }

    [Fact]
    public void Set_not_null_recipe_follows_the_version()
    {
        var on13 = Assert.Single(Lint("ALTER TABLE t ALTER COLUMN c SET NOT NULL;"));
        Assert.Contains("CHECK (c IS NOT NULL) NOT VALID", on13.Fix);
        var on18 = Assert.Single(Lint("ALTER TABLE t ALTER COLUMN c SET NOT NULL;", options: new LintOptions { PostgresVersion = 18 }));
        Assert.Contains("NOT NULL c NOT VALID", on18.Fix);
    }

    [Theory]
    [InlineData("ALTER TABLE t ADD COLUMN n int DEFAULT (random() * 10)::int;", true)]
    [InlineData("ALTER TABLE t ADD COLUMN n bigint DEFAULT nextval('s');", true)]
    [InlineData("ALTER TABLE t ADD COLUMN at timestamptz DEFAULT clock_timestamp();", true)]
    [InlineData("ALTER TABLE t ADD COLUMN total int GENERATED ALWAYS AS (a + b) STORED;", true)]
    [InlineData("ALTER TABLE t ADD COLUMN n serial;", true)]
    [InlineData("ALTER TABLE t ADD COLUMN n int DEFAULT 42;", false)]
    [InlineData("ALTER TABLE t ADD COLUMN s text DEFAULT 'random()';", false)]
    [InlineData("ALTER TABLE t ADD COLUMN at timestamptz DEFAULT CURRENT_TIMESTAMP;", false)]
    [InlineData("ALTER TABLE t ADD COLUMN at timestamptz DEFAULT now();", false)]
    public void Defaults_rewrite_only_when_volatile(string up, bool rewrites)
    {
        Assert.Equal(rewrites, Rules(Lint(up)).Contains(LintRules.VolatileDefault));
    }

    [Fact]
    public void History_tables_are_an_error_even_when_created_in_the_same_migration()
    {
        foreach (var up in new[]
        {
            "DROP TABLE schema_migrations;",
            "ALTER TABLE public.schema_migrations_log RENAME TO old_log;",
            "TRUNCATE schema_migrations;",
            "ALTER TABLE schema_migrations_schema ADD COLUMN x int;",
            "CREATE TABLE schema_migrations_log (id int);\nDROP TABLE schema_migrations_log;",
        })
        {
            var finding = Assert.Single(Lint(up), f => f.Rule == LintRules.HistoryTableChange);
            Assert.Equal(DiagnosticSeverity.Error, finding.Severity);
        }

        Assert.DoesNotContain(
            LintRules.HistoryTableChange,
            Rules(Lint("DROP TABLE schema_migrations_old;", "CREATE TABLE schema_migrations_old (id int);")));

        Assert.True(SharedMigrations.Core.Configuration.HistoryTableName.TryParse("ops.deploys", out var custom, out _));
        var options = new LintOptions { HistoryTable = custom! };
        Assert.Contains(LintRules.HistoryTableChange, Rules(Lint("ALTER TABLE ops.deploys_log DROP COLUMN client;", options: options)));
        Assert.DoesNotContain(LintRules.HistoryTableChange, Rules(Lint("DROP TABLE schema_migrations;", options: options)));
    }

    [Fact]
    public void A_statement_on_the_history_tables_is_one_finding()
    {
        // Without a DOWN that restores it, a DROP TABLE would also be DropTable and DropWithoutRestore: one cause, one finding.
        var findings = Lint("DROP TABLE schema_migrations_log;", "SELECT 1;");
        var finding = Assert.Single(findings);
        Assert.Equal(LintRules.HistoryTableChange, finding.Rule);

        // Another statement of the same migration keeps its own findings.
        var both = Rules(Lint("DROP TABLE schema_migrations_log;\nDROP TABLE orders;", "SELECT 1;"));
        Assert.Contains(LintRules.HistoryTableChange, both);
        Assert.Contains(LintRules.DropTable, both);
    }

    [Fact]
    public void Concurrent_builds_without_if_not_exists_are_not_idempotent_in_a_no_transaction_migration()
    {
        var finding = Assert.Single(Lint("CREATE INDEX CONCURRENTLY i ON t (x);", "DROP INDEX CONCURRENTLY IF EXISTS i;", None));
        Assert.Equal(LintRules.NotIdempotent, finding.Rule);
        Assert.Equal(DiagnosticSeverity.Information, finding.Severity);
        Assert.Empty(Lint("CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (x);", "DROP INDEX CONCURRENTLY IF EXISTS i;", None));
    }

    [Fact]
    public void A_no_transaction_section_that_begins_without_commit_is_an_error()
    {
        var finding = Assert.Single(Lint("BEGIN;\nALTER TABLE t ADD COLUMN n text;", headers: None));
        Assert.Equal((LintRules.UncommittedTransaction, DiagnosticSeverity.Error, 3), (finding.Rule, finding.Severity, finding.Line));
        Assert.Empty(Lint("BEGIN;\nALTER TABLE t ADD COLUMN n text;\nCOMMIT;", headers: None));
    }

    [Fact]
    public void A_down_that_undoes_its_up_is_not_a_breaking_change()
    {
        Assert.Empty(Lint("CREATE TABLE t (id int);", "DROP TABLE t;"));
        Assert.Empty(Lint("ALTER TABLE t ADD COLUMN c int;", "ALTER TABLE t DROP COLUMN c;"));
        Assert.DoesNotContain(Lint("ALTER TABLE t RENAME TO t2;", "ALTER TABLE t2 RENAME TO t;"), f => f.Line > 2);
        // A DOWN that drops something its UP did not create still breaks running code.
        Assert.Contains(LintRules.DropTable, Rules(Lint("CREATE TABLE a (id int);", "DROP TABLE a;\nDROP TABLE b;")));
    }

    [Fact]
    public void Keywords_inside_strings_comments_and_bodies_are_not_statements()
    {
        const string up = """
            DO $$ BEGIN ALTER TABLE t ALTER COLUMN c TYPE bigint; DROP TABLE t; END $$;
            SELECT 'ALTER TABLE t RENAME TO x';
            -- TRUNCATE t CASCADE;
            CREATE FUNCTION f() RETURNS void LANGUAGE sql AS $f$ DROP INDEX i $f$;
            """;
        Assert.Empty(Lint(up, "DROP FUNCTION f();"));
    }

    // ---- statement model ------------------------------------------------------------------------------------------------

    private static StatementModel Model(string sql, int version = 13) =>
        StatementModel.Of(SqlTokenList.Read(sql), "UP", new LintSettingsView(version, TransactionMode.PerMigration, new HashSet<string>()));

    [Theory]
    [InlineData("CREATE INDEX i ON t (x)", "t", "Share", false, true, false, true)]
    [InlineData("CREATE INDEX CONCURRENTLY i ON t (x)", "t", "ShareUpdateExclusive", false, true, false, false)]
    [InlineData("DROP TABLE t", "t", "AccessExclusive", false, false, true, true)]
    [InlineData("ALTER TABLE t ALTER COLUMN c TYPE text", "t", "AccessExclusive", true, false, true, true)]
    [InlineData("ALTER TABLE t ALTER COLUMN c SET NOT NULL", "t", "AccessExclusive", false, true, true, true)]
    [InlineData("ALTER TABLE t VALIDATE CONSTRAINT c", "t", "ShareUpdateExclusive", false, true, false, false)]
    [InlineData(
        "ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (u) REFERENCES users (id)",
        "t",
        "ShareRowExclusive",
        false,
        true,
        false,
        true)]
    [InlineData(
        "ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (u) REFERENCES users (id)",
        "users",
        "ShareRowExclusive",
        false,
        false,
        false,
        true)]
    [InlineData("ALTER TABLE t ADD COLUMN c int DEFAULT 0", "t", "AccessExclusive", false, false, true, true)]
    [InlineData(
        "ALTER TABLE t SET (fillfactor = 80), ALTER COLUMN c SET STATISTICS 500",
        "t",
        "ShareUpdateExclusive",
        false,
        false,
        false,
        false)]
    [InlineData("ALTER TABLE t DETACH PARTITION p1 CONCURRENTLY", "t", "ShareUpdateExclusive", false, false, false, false)]
    [InlineData("ALTER TABLE t ENABLE TRIGGER tr", "t", "ShareRowExclusive", false, false, false, true)]
    [InlineData(
        "CREATE TRIGGER tr AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION f()",
        "t",
        "ShareRowExclusive",
        false,
        false,
        false,
        true)]
    [InlineData("LOCK TABLE t IN SHARE MODE", "t", "Share", false, false, false, true)]
    [InlineData("INSERT INTO t (a) VALUES (1)", "t", "RowExclusive", false, false, false, false)]
    [InlineData("UPDATE ONLY t SET a = 1", "t", "RowExclusive", false, false, false, false)]
    [InlineData("REFRESH MATERIALIZED VIEW CONCURRENTLY mv", "mv", "Exclusive", false, true, false, true)]
    [InlineData("REINDEX TABLE t", "t", "Share", false, true, false, true)]
    public void Lock_modes_follow_the_postgres_documentation(
        string sql,
        string table,
        string mode,
        bool rewrites,
        bool scans,
        bool blocksReads,
        bool blocksWrites)
    {
        var model = Model(sql);
        var tableLock = Assert.Single(model.Locks, l => l.Table.Key == table);
        Assert.Equal(mode, tableLock.Mode.ToString());
        Assert.Equal(rewrites, tableLock.Rewrites);
        Assert.Equal(scans, tableLock.Scans);
        Assert.Equal(blocksReads, tableLock.BlocksReads);
        Assert.Equal(blocksWrites, tableLock.BlocksWrites);
    }

    // ---- suppression and policy ----------------------------------------------------------------------------------------

    [Fact]
    public void Lint_ignore_on_the_line_before_or_at_the_end_of_the_line_silences_that_rule_only()
    {
        Assert.Empty(Lint(
            "-- lint:ignore DropColumn nothing reads it since release 41\nALTER TABLE t DROP COLUMN c;",
            "ALTER TABLE t ADD COLUMN c int;"));
        Assert.Empty(Lint("ALTER TABLE t DROP COLUMN c; -- lint:ignore DropColumn unused since 41", "ALTER TABLE t ADD COLUMN c int;"));
        Assert.Empty(Lint("ALTER TABLE t\n  DROP COLUMN c; -- lint:ignore DropColumn unused since 41", "ALTER TABLE t ADD COLUMN c int;"));
        Assert.Empty(Lint("-- lint:ignore DropColumn,DropWithoutRestore unused, and restored from backup if ever\nALTER TABLE t DROP " +
            "COLUMN c;"));

        // Another rule is not silenced, nor the next statement.
        Assert.Equal(
            [LintRules.DropColumn],
            Rules(Lint("-- lint:ignore RenameColumn reason\nALTER TABLE t DROP COLUMN c;", "ALTER TABLE t ADD COLUMN c int;")));
        Assert.Equal(
            [LintRules.DropColumn],
            Rules(Lint("-- lint:ignore DropColumn reason\nSELECT 1;\nALTER TABLE t DROP COLUMN c;", "ALTER TABLE t ADD COLUMN c int;")));
        // A trailing comment of the previous statement does not reach the next line.
        Assert.Equal(
            [LintRules.DropColumn],
            Rules(Lint("SELECT 1; -- lint:ignore DropColumn reason\nALTER TABLE t DROP COLUMN c;", "ALTER TABLE t ADD COLUMN c int;")));
    }

    [Fact]
    public void Lint_ignore_with_an_unknown_rule_or_no_reason_is_a_warning()
    {
        var findings = Lint("-- lint:ignore DropColum typo\nALTER TABLE t DROP COLUMN c;", "ALTER TABLE t ADD COLUMN c int;");
        Assert.Equal([(LintRules.LintPolicy, 2), (LintRules.DropColumn, 3)], findings.Select(f => (f.Rule, f.Line ?? 0)).ToArray());
        Assert.Contains("unknown rule 'DropColum'", findings[0].Message);

        var noReason = Lint("ALTER TABLE t DROP COLUMN c; -- lint:ignore DropColumn", "ALTER TABLE t ADD COLUMN c int;");
        var policy = Assert.Single(noReason);
        Assert.Equal(LintRules.LintPolicy, policy.Rule);
        Assert.Contains("gives no reason", policy.Message);
    }

    [Fact]
    public void Config_lint_section_disables_rules_changes_severities_and_warns_about_unknown_ids()
    {
        using var folder = new ServiceFolder();
        folder.Config("""
            migration:
              postgres_version: 14
            lint:
              disable: [DropColumn]
              severity:
                NonConcurrentIndex: Error
                NoSuchRule: Warning
            """);
        folder.Add("001_x.sql", "ALTER TABLE t DROP COLUMN c;\nCREATE INDEX i ON t (x);\nALTER TABLE p DETACH PARTITION p1;", "SELECT 1;");

        var check = ServiceCheck.Run(folder.Path);
        var summary = check.Diagnostics.Select(d => (d.Rule, d.Severity)).ToArray();
        Assert.Contains((LintRules.LintPolicy, DiagnosticSeverity.Warning), summary);
        Assert.Contains("'NoSuchRule'", check.Diagnostics.Single(d => d.Rule == LintRules.LintPolicy).Message);
        Assert.DoesNotContain(summary, s => s.Rule == LintRules.DropColumn);
        Assert.Contains((LintRules.NonConcurrentIndex, DiagnosticSeverity.Error), summary);
        Assert.Contains((LintRules.NonConcurrentDetachPartition, DiagnosticSeverity.Warning), summary); // postgres_version: 14
        Assert.True(check.HasErrors);
    }

    [Fact]
    public void Config_lint_severity_must_be_a_severity()
    {
        using var folder = new ServiceFolder();
        folder.Config("lint:\n  severity:\n    DropTable: Fatal\n");
        folder.Add("001_x.sql", "SELECT 1;", "SELECT 1;");
        var finding = Assert.Single(ServiceCheck.Run(folder.Path).Diagnostics);
        Assert.Equal(ServiceCheck.RuleConfiguration, finding.Rule);
        Assert.Contains("'Fatal' is not Error, Warning or Information", finding.Message);
        Assert.Equal(3, finding.Line);
    }

    [Fact]
    public void Diagnostic_carries_column_statement_table_lock_and_fix()
    {
        var finding = Assert.Single(Lint("SELECT 1;\n   CREATE INDEX users_email_idx ON public.users USING btree (lower(email)) WHERE " +
            "deleted_at IS NULL;"));
        Assert.Equal((3, 4), (finding.Line, finding.Column));
        Assert.Equal("CREATE INDEX users_email_idx ON public.users USING btree ...", finding.Statement);
        Assert.Equal("public.users", finding.Table);
        Assert.Equal("Share", finding.Lock);
        Assert.StartsWith("CREATE INDEX CONCURRENTLY", finding.Fix);
    }

    [Fact]
    public void Ten_thousand_statements_are_analysed()
    {
        // Not a timed test (bench/lint measures the time): the analysis of a large file completes and finds every one.
        var up = string.Join('\n', Enumerable.Range(0, 10_000).Select(i => $"CREATE INDEX i{i} ON t{i % 50} (x);"));
        Assert.Equal(10_000, Lint(up).Count(f => f.Rule == LintRules.NonConcurrentIndex));
    }
}
