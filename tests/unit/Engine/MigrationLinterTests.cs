using SharedMigrations.Core;
using SharedMigrations.Core.Errors;
using SharedMigrations.Core.Linting;
using SharedMigrations.Core.Loading;
using SharedMigrations.Core.Model;
using SharedMigrations.Core.Parsing;
using SharedMigrations.Tests.Support;

namespace SharedMigrations.Tests.Engine;

public class MigrationLinterTests
{
    private const DiagnosticSeverity Warning = DiagnosticSeverity.Warning;
    private const DiagnosticSeverity Info = DiagnosticSeverity.Information;

    private const string Drop = MigrationLinter.RuleDropWithoutRestore;
    private const string NotNull = MigrationLinter.RuleNotNullWithoutDefault;
    private const string Index = MigrationLinter.RuleNonConcurrentIndex;
    private const string MissingDown = MigrationLinter.RuleMissingDown;
    private const string EmptyUp = MigrationLinter.RuleEmptyUp;
    private const string SetNotNull = SharedMigrations.Core.Linting.LintRules.SetNotNull;

    /// <summary>The rules this file is about; the safety rules added later have their own tests (SafetyRuleTests).</summary>
    private static readonly HashSet<string> RulesUnderTest = [Drop, NotNull, Index, MissingDown, EmptyUp, SetNotNull];

    private static Migration Parse(string text)
    {
        var result = MigrationParser.Parse("/m/001_x.sql", text);
        Assert.False(result.HasErrors, string.Join("; ", result.Diagnostics));
        return result.Migration!;
    }

    /// <summary>
    /// A file whose line 1 is the UP marker, so an UP statement on line k of <paramref name="up"/> is on line k + 1 of the
    /// file; the DOWN marker follows the UP text, and its statements come on the lines after it.
    /// </summary>
    private static IReadOnlyList<MigrationDiagnostic> Lint(string up, string? down = "SELECT 1;", string? headers = null)
    {
        var text = (headers is null ? string.Empty : headers + "\n") + "-- +++++ UP\n" + up + "\n";
        if (down is not null)
        {
            text += "-- +++++ DOWN\n" + down + "\n";
        }

        return MigrationLinter.Lint(Parse(text)).Where(f => RulesUnderTest.Contains(f.Rule)).ToArray();
    }

    private static (string Rule, DiagnosticSeverity Severity, int? Line)[] Summary(IEnumerable<MigrationDiagnostic> findings) =>
        findings.Select(f => (f.Rule, f.Severity, f.Line)).ToArray();

    private static void AssertFindings(
        IReadOnlyList<MigrationDiagnostic> findings,
        params (string Rule, DiagnosticSeverity Severity, int? Line)[] expected)
    {
        Assert.All(findings, f => Assert.Equal("/m/001_x.sql", f.FilePath));
        Assert.Equal(expected, Summary(findings));
    }

    // ---- DropWithoutRestore -------------------------------------------------------------------------------------------

    [Fact]
    public void Drop_table_without_a_down_that_recreates_it_is_a_warning_on_the_statement_line()
    {
        var findings = Lint("SELECT 1;\nDROP TABLE users;", down: "SELECT 2;");

        AssertFindings(findings, (Drop, Warning, 3));
        Assert.Equal(
            "UP drops table users but the DOWN does not create it again; a rollback cannot restore it (and its data is lost either way). " +
                "Add CREATE TABLE users ... to the DOWN",
            findings[0].Message);
        Assert.Equal("001_x.sql line 3: " + findings[0].Message, findings[0].ToString());
    }

    [Fact]
    public void Drop_table_with_an_empty_or_missing_down_is_reported_once_as_the_missing_down()
    {
        // One cause, one finding: the missing DOWN is the reason nothing is restored.
        AssertFindings(Lint("DROP TABLE users;", down: "-- nothing to undo"), (MissingDown, Warning, 3));
        AssertFindings(Lint("DROP TABLE users;", down: null), (MissingDown, Warning, null));
    }

    [Theory]
    [InlineData("CREATE TABLE users (id int);")]
    [InlineData("CREATE TABLE IF NOT EXISTS users (id int);")]
    [InlineData("CREATE TABLE IF NOT EXISTS public.\"Users\" (id int);")]
    [InlineData("CREATE UNLOGGED TABLE users (id int);")]
    [InlineData("SELECT 1;\n-- comment\nCREATE TABLE users AS SELECT 1 AS id;")]
    [InlineData("ALTER TABLE users_backup RENAME TO users;")]
    public void Drop_table_restored_by_the_down_is_fine(string down)
    {
        Assert.Empty(Lint("DROP TABLE public.users;", down));
    }

    [Fact]
    public void Names_compare_case_insensitively_and_ignore_schema_and_quotes()
    {
        Assert.Empty(Lint("DROP TABLE \"Users\";", "CREATE TABLE app.users (id int);"));
        Assert.Empty(Lint("DROP TABLE app.\"order items\";", "CREATE TABLE \"Order Items\" (id int);"));
        AssertFindings(Lint("DROP TABLE \"order items\";", "CREATE TABLE order_items (id int);"), (Drop, Warning, 2));
    }

    [Fact]
    public void Each_table_of_a_multi_table_drop_is_checked()
    {
        var findings = Lint("DROP TABLE IF EXISTS a, public.b, \"C\" CASCADE;", "CREATE TABLE a (id int);\nCREATE TABLE c (id int);");

        AssertFindings(findings, (Drop, Warning, 2));
        Assert.StartsWith("UP drops table public.b but", findings[0].Message);
    }

    [Fact]
    public void Dropping_what_the_same_up_created_earlier_is_fine()
    {
        Assert.Empty(Lint("CREATE TABLE tmp_ids (id int);\nINSERT INTO tmp_ids SELECT 1;\nDROP TABLE IF EXISTS tmp_ids;", "SELECT 1;"));
        Assert.Empty(Lint("CREATE TEMP TABLE tmp_ids (id int);\nDROP TABLE tmp_ids;", "SELECT 1;"));
        Assert.Empty(Lint("ALTER TABLE t ADD COLUMN tmp int;\nALTER TABLE t DROP COLUMN tmp;", "SELECT 1;"));
        Assert.Empty(Lint("CREATE TABLE n (id int, x int);\nALTER TABLE n DROP COLUMN x, DROP CONSTRAINT n_pk;", "DROP TABLE n;"));
    }

    [Fact]
    public void Dropping_before_creating_again_in_the_up_is_still_a_drop()
    {
        // The UP replaces the table; the DOWN only drops it, so after a rollback the old table is gone.
        AssertFindings(Lint("DROP TABLE IF EXISTS users;\nCREATE TABLE users (id int);", "DROP TABLE users;"), (Drop, Warning, 2));
    }

    [Fact]
    public void Drops_inside_strings_comments_quoted_identifiers_and_dollar_quoted_bodies_are_not_findings()
    {
        const string up = """
            DO $$ BEGIN DROP TABLE users; ALTER TABLE t DROP COLUMN c; END $$;
            SELECT 'DROP TABLE users';
            SELECT E'it\'s; DROP TABLE users';
            SELECT 1 AS "DROP TABLE users";
            /* DROP TABLE users; /* nested */ DROP VIEW v; */ SELECT 2;
            -- DROP TABLE users;
            COMMENT ON TABLE t IS 'DROP TABLE users';
            CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $body$ BEGIN DROP TABLE users; EXECUTE 'DROP SCHEMA s'; END $body$;
            """;
        Assert.Empty(Lint(up, "DROP FUNCTION f();"));
    }

    [Theory]
    [InlineData("DROP VIEW v;", "CREATE OR REPLACE VIEW v AS SELECT 1;", "view v")]
    [InlineData("DROP VIEW IF EXISTS s.v CASCADE;", "CREATE RECURSIVE VIEW s.v (n) AS SELECT 1;", "view s.v")]
    [InlineData("DROP MATERIALIZED VIEW mv;", "CREATE MATERIALIZED VIEW IF NOT EXISTS mv AS SELECT 1;", "materialized view mv")]
    [InlineData("DROP TYPE status;", "CREATE TYPE status AS ENUM ('a', 'b');", "type status")]
    [InlineData(
        "DROP FUNCTION IF EXISTS f(int, text);",
        "CREATE OR REPLACE FUNCTION public.f(a int, b text) RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;",
        "function f")]
    [InlineData("DROP SCHEMA reporting CASCADE;", "CREATE SCHEMA IF NOT EXISTS reporting;", "schema reporting")]
    [InlineData("DROP SEQUENCE order_no;", "CREATE SEQUENCE IF NOT EXISTS order_no START 100;", "sequence order_no")]
    public void Every_kind_of_drop_needs_its_create_in_the_down(string up, string restoringDown, string what)
    {
        Assert.Empty(Lint(up, restoringDown));

        var findings = Lint(up, "SELECT 1;");
        AssertFindings(findings, (Drop, Warning, 2));
        Assert.StartsWith($"UP drops {what} but the DOWN does not create it again; a rollback cannot restore it", findings[0].Message);
    }

    [Fact]
    public void Every_function_of_a_multi_function_drop_is_checked()
    {
        var findings = Lint(
            "DROP FUNCTION f(int, text), g(numeric(10, 2)) CASCADE;",
            "CREATE FUNCTION f(int, text) RETURNS int LANGUAGE sql AS 'SELECT 1';");
        AssertFindings(findings, (Drop, Warning, 2));
        Assert.StartsWith("UP drops function g but", findings[0].Message);
    }

    [Fact]
    public void A_down_that_creates_another_kind_of_object_does_not_restore()
    {
        AssertFindings(Lint("DROP VIEW v;", "CREATE TABLE v (id int);"), (Drop, Warning, 2));
        AssertFindings(Lint("DROP SEQUENCE s;", "CREATE INDEX s ON t (x);"), (Drop, Warning, 2), (Index, Warning, 4));
    }

    [Fact]
    public void Drop_column_needs_an_add_column_of_the_same_table_in_the_down()
    {
        var findings = Lint("ALTER TABLE users DROP COLUMN email;", "SELECT 1;");
        AssertFindings(findings, (Drop, Warning, 2));
        Assert.Equal(
            "UP drops column email of users but the DOWN does not add it again; a rollback cannot restore it (and its data is lost " +
                "either way). Add ALTER TABLE users ADD COLUMN email ... to the DOWN",
            findings[0].Message);

        Assert.Empty(Lint("ALTER TABLE users DROP COLUMN email;", "ALTER TABLE users ADD COLUMN email text;"));
        Assert.Empty(Lint(
            "ALTER TABLE IF EXISTS ONLY public.users DROP IF EXISTS \"Email\";",
            "ALTER TABLE users ADD IF NOT EXISTS email text;"));
        Assert.Empty(Lint("ALTER TABLE users DROP COLUMN email;", "ALTER TABLE users ADD COLUMN phone text, ADD COLUMN email text;"));
        Assert.Empty(Lint("ALTER TABLE users DROP COLUMN email;", "DROP TABLE users;\nCREATE TABLE users (id int, email text);"));
        Assert.Empty(Lint("ALTER TABLE users DROP COLUMN email;", "ALTER TABLE users RENAME COLUMN email_old TO email;"));
        AssertFindings(Lint("ALTER TABLE users DROP COLUMN email;", "ALTER TABLE accounts ADD COLUMN email text;"), (Drop, Warning, 2));
        AssertFindings(Lint("ALTER TABLE users DROP COLUMN email;", "ALTER TABLE users ADD COLUMN mail text;"), (Drop, Warning, 2));
    }

    [Fact]
    public void Drop_constraint_needs_an_add_constraint_of_the_same_table_in_the_down()
    {
        var findings = Lint("ALTER TABLE ONLY public.orders DROP CONSTRAINT IF EXISTS orders_user_fk;", "SELECT 1;");
        AssertFindings(findings, (Drop, Warning, 2));
        Assert.Equal(
            "UP drops constraint orders_user_fk of public.orders but the DOWN does not add it again; a rollback cannot restore it. Add " +
                "ALTER TABLE public.orders ADD CONSTRAINT orders_user_fk ... to the DOWN",
            findings[0].Message);

        Assert.Empty(Lint(
            "ALTER TABLE orders DROP CONSTRAINT orders_user_fk, ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users " +
                "(id) ON DELETE CASCADE;",
            "ALTER TABLE orders DROP CONSTRAINT orders_user_fk, ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users " +
                "(id);"));
        AssertFindings(
            Lint("ALTER TABLE orders DROP CONSTRAINT orders_user_fk;", "ALTER TABLE invoices ADD CONSTRAINT orders_user_fk CHECK (true);"),
            (Drop, Warning, 2));
        // An ADD of an unnamed constraint does not restore a named one.
        AssertFindings(
            Lint("ALTER TABLE orders DROP CONSTRAINT orders_pkey;", "ALTER TABLE orders ADD PRIMARY KEY (id);"),
            (Drop, Warning, 2));
    }

    [Fact]
    public void Several_drops_in_one_alter_table_are_each_checked()
    {
        var findings = Lint("ALTER TABLE t DROP COLUMN a, DROP COLUMN b, DROP CONSTRAINT k;", "ALTER TABLE t ADD COLUMN a int;");
        AssertFindings(findings, (Drop, Warning, 2), (Drop, Warning, 2));
        Assert.StartsWith("UP drops column b of t", findings[0].Message);
        Assert.StartsWith("UP drops constraint k of t", findings[1].Message);
    }

    [Fact]
    public void Other_alter_table_drops_and_index_drops_are_not_findings()
    {
        const string up = """
            ALTER TABLE t ALTER COLUMN c DROP DEFAULT;
            ALTER TABLE t ALTER c DROP NOT NULL, ALTER COLUMN d DROP IDENTITY IF EXISTS, ALTER COLUMN e DROP EXPRESSION;
            DROP INDEX t_c_idx;
            DROP TRIGGER tr ON t;
            ALTER TABLE t RENAME COLUMN "drop" TO dropped;
            """;
        Assert.Empty(Lint(up, "SELECT 1;"));
    }

    [Fact]
    public void The_down_is_not_checked_for_drops()
    {
        Assert.Empty(Lint("CREATE TABLE users (id int);", "DROP TABLE users;\nALTER TABLE x DROP COLUMN y;"));
    }

    // ---- NotNullWithoutDefault ----------------------------------------------------------------------------------------

    [Fact]
    public void Adding_a_not_null_column_without_default_to_an_existing_table_is_a_warning()
    {
        var findings = Lint("ALTER TABLE users ADD COLUMN age int NOT NULL;", "ALTER TABLE users DROP COLUMN age;");
        AssertFindings(findings, (NotNull, Warning, 2));
        Assert.Equal(
            "UP adds NOT NULL column age to users without a DEFAULT; this fails on a table that has rows. Add a DEFAULT, or add the " +
                "column nullable, backfill it, then SET NOT NULL",
            findings[0].Message);
    }

    [Theory]
    [InlineData("ALTER TABLE users ADD age int NOT NULL;")]
    [InlineData("ALTER TABLE users ADD COLUMN IF NOT EXISTS age int NOT NULL;")]
    [InlineData("ALTER TABLE IF EXISTS ONLY public.\"Users\" ADD COLUMN \"Age\" numeric(5, 2) CONSTRAINT age_nn NOT NULL CHECK (\"Age\" " +
        "> 0);")]
    [InlineData("ALTER TABLE users ADD COLUMN age int REFERENCES ages (id) NOT NULL;")]
    [InlineData("ALTER TABLE users\n  ADD COLUMN nick text, -- nullable\n  ADD COLUMN age int NOT NULL;")]
    public void Not_null_without_default_forms(string up)
    {
        AssertFindings(Lint(up, "SELECT 1;"), (NotNull, Warning, 2));
    }

    [Theory]
    [InlineData("ALTER TABLE users ADD COLUMN age int NOT NULL DEFAULT 0;")]
    [InlineData("ALTER TABLE users ADD COLUMN age int DEFAULT 0 NOT NULL;")]
    [InlineData("ALTER TABLE users ADD COLUMN created timestamptz NOT NULL DEFAULT now();")]
    [InlineData("ALTER TABLE users ADD COLUMN age int;")]
    [InlineData("ALTER TABLE users ADD COLUMN age int NULL;")]
    [InlineData("ALTER TABLE users ADD COLUMN age int CHECK (age IS NOT NULL);")]
    [InlineData("ALTER TABLE users ADD COLUMN id bigint NOT NULL GENERATED ALWAYS AS IDENTITY;")]
    [InlineData("ALTER TABLE users ADD COLUMN id int GENERATED BY DEFAULT AS IDENTITY NOT NULL;")]
    [InlineData("ALTER TABLE users ADD COLUMN total int NOT NULL GENERATED ALWAYS AS (a + b) STORED;")]
    [InlineData("ALTER TABLE users ADD COLUMN id bigserial NOT NULL;")]
    [InlineData("ALTER TABLE users ADD CONSTRAINT users_age_nn CHECK (age IS NOT NULL) NOT VALID;")]
    [InlineData("ALTER TABLE users ADD COLUMN note text DEFAULT 'NOT NULL';")]
    [InlineData("DO $$ BEGIN ALTER TABLE users ADD COLUMN age int NOT NULL; END $$;")]
    [InlineData("SELECT 'ALTER TABLE users ADD COLUMN age int NOT NULL';")]
    [InlineData("-- ALTER TABLE users ADD COLUMN age int NOT NULL;\nSELECT 1;")]
    public void Not_null_with_default_generated_nullable_or_not_code_is_fine(string up)
    {
        Assert.Empty(Lint(up, "SELECT 1;"));
    }

    [Fact]
    public void Not_null_column_on_a_table_created_earlier_in_the_migration_is_fine()
    {
        Assert.Empty(Lint(
            "CREATE TABLE users (id int);\nALTER TABLE users ADD COLUMN age int NOT NULL;\nALTER TABLE users ALTER COLUMN id SET NOT NULL;",
            "DROP TABLE users;"));
        Assert.Empty(Lint(
            "CREATE TABLE IF NOT EXISTS app.\"Users\" (id int);\nALTER TABLE users ADD COLUMN age int NOT NULL;",
            "DROP TABLE users;"));
        // Created later does not count.
        AssertFindings(
            Lint("ALTER TABLE users ADD COLUMN age int NOT NULL;\nCREATE TABLE users2 (id int);", "DROP TABLE users2;"),
            (NotNull, Warning, 2));
    }

    [Fact]
    public void Set_not_null_is_its_own_warning()
    {
        var findings = Lint("ALTER TABLE users ALTER COLUMN email SET NOT NULL;", "ALTER TABLE users ALTER COLUMN email DROP NOT NULL;");
        AssertFindings(findings, (SetNotNull, Warning, 2));
        Assert.StartsWith(
            "UP sets column email of users NOT NULL: PostgreSQL scans the whole table to check it under an ACCESS EXCLUSIVE lock",
            findings[0].Message);
        Assert.Equal("AccessExclusive", findings[0].Lock);
        Assert.Contains("NOT VALID", findings[0].Fix);

        AssertFindings(Lint("ALTER TABLE users ALTER email SET NOT NULL;"), (SetNotNull, Warning, 2));
        Assert.Empty(Lint("ALTER TABLE users ALTER COLUMN email SET DEFAULT 'x';"));
        Assert.Empty(Lint("ALTER TABLE users ALTER CONSTRAINT fk NOT DEFERRABLE;"));
    }

    [Fact]
    public void Several_actions_of_one_alter_table_are_each_checked()
    {
        AssertFindings(
            Lint("ALTER TABLE t\n  ADD COLUMN a int NOT NULL,\n  ADD COLUMN b int NOT NULL DEFAULT 1,\n  ALTER COLUMN c SET NOT NULL;"),
            (NotNull, Warning, 2),
            (SetNotNull, Warning, 2));
    }

    [Fact]
    public void Down_is_checked_for_not_null_columns_and_indexes_too()
    {
        var findings = Lint(
            "ALTER TABLE users DROP COLUMN age;\nDROP INDEX users_email;",
            "ALTER TABLE users ADD COLUMN age int NOT NULL;\nCREATE INDEX users_email ON users (email);");

        AssertFindings(findings, (NotNull, Warning, 5), (Index, Warning, 6));
        Assert.StartsWith("DOWN adds NOT NULL column age to users without a DEFAULT", findings[0].Message);
        Assert.StartsWith("DOWN builds index users_email on existing table users without CONCURRENTLY", findings[1].Message);
    }

    // ---- NonConcurrentIndex -------------------------------------------------------------------------------------------

    [Fact]
    public void Non_concurrent_index_on_an_existing_table_is_a_warning()
    {
        var findings = Lint("CREATE INDEX users_email ON users (email);", "DROP INDEX users_email;");
        AssertFindings(findings, (Index, Warning, 2));
        Assert.Equal(
            "UP builds index users_email on existing table users without CONCURRENTLY; this blocks writes to users while it builds. Use " +
                "CREATE INDEX CONCURRENTLY in a migration with '-- Transaction: none'",
            findings[0].Message);
    }

    [Theory]
    [InlineData("CREATE UNIQUE INDEX users_email ON users (lower(email));", "index users_email on existing table users")]
    [InlineData(
        "CREATE INDEX IF NOT EXISTS users_email ON public.users USING btree (email) WHERE deleted_at IS NULL;",
        "index users_email on existing table public.users")]
    [InlineData("CREATE INDEX ON \"Users\" (email);", "an index on existing table \"Users\"")]
    [InlineData("/* big table */ create unique index\n  users_email on users (email);", "index users_email on existing table users")]
    public void Non_concurrent_index_forms(string up, string what)
    {
        var findings = Lint(up);
        AssertFindings(findings, (Index, Warning, 2));
        Assert.StartsWith($"UP builds {what} without CONCURRENTLY", findings[0].Message);
    }

    [Fact]
    public void Concurrent_index_is_fine()
    {
        Assert.Empty(Lint(
            "CREATE INDEX CONCURRENTLY users_email ON users (email);\nCREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS u ON users (x);",
            "DROP INDEX CONCURRENTLY IF EXISTS users_email;\nDROP INDEX CONCURRENTLY IF EXISTS u;",
            headers: "-- Transaction: none"));
    }

    [Fact]
    public void Index_on_a_table_created_earlier_in_the_migration_is_fine()
    {
        Assert.Empty(Lint("CREATE TABLE users (id int, email text);\nCREATE INDEX users_email ON users (email);", "DROP TABLE users;"));
        Assert.Empty(Lint(
            "CREATE TABLE IF NOT EXISTS app.\"Users\" (id int);\nCREATE UNIQUE INDEX ON public.users (id);",
            "DROP TABLE users;"));
        Assert.Empty(Lint("CREATE MATERIALIZED VIEW mv AS SELECT 1 AS x;\nCREATE INDEX ON mv (x);", "DROP MATERIALIZED VIEW mv;"));
        Assert.Empty(Lint(
            "CREATE TABLE users_new (id int);\nALTER TABLE users_new RENAME TO users;\nCREATE INDEX ON users (id);",
            "DROP TABLE users;"));
        // A table created after the index, or another table, does not count.
        AssertFindings(Lint("CREATE INDEX i ON users (id);\nCREATE TABLE users2 (id int);", "DROP TABLE users2;"), (Index, Warning, 2));
        AssertFindings(Lint("CREATE TABLE a (id int);\nCREATE INDEX i ON b (id);", "DROP TABLE a;"), (Index, Warning, 3));
    }

    [Fact]
    public void Index_statements_that_do_not_start_with_create_are_not_findings()
    {
        const string up = """
            DO $$ BEGIN CREATE INDEX i ON users (email); END $$;
            DO $do$ BEGIN EXECUTE 'CREATE INDEX i2 ON users (email)'; END $do$;
            CREATE FUNCTION mk() RETURNS void LANGUAGE plpgsql AS $fn$ BEGIN CREATE INDEX i3 ON users (email); END $fn$;
            SELECT 'CREATE INDEX i4 ON users (email)';
            -- CREATE INDEX i5 ON users (email);
            ALTER INDEX i RENAME TO j;
            """;
        Assert.Empty(Lint(up, "DROP FUNCTION mk();"));
    }

    [Fact]
    public void Index_on_only_the_parent_of_a_partitioned_table_is_fine()
    {
        // CONCURRENTLY is not available there; ON ONLY creates the parent's index without building anything.
        Assert.Empty(Lint("CREATE INDEX measurements_ts ON ONLY measurements (ts);"));
    }

    // ---- MissingDown / EmptyUp ----------------------------------------------------------------------------------------

    [Fact]
    public void No_down_section_is_a_warning_without_a_line()
    {
        var findings = Lint("CREATE TABLE t (id int);", down: null);
        AssertFindings(findings, (MissingDown, Warning, null));
        Assert.Equal(
            "has no DOWN: Undo-Migration refuses it while rollback_safety is on. Add a '-- +++++ DOWN' section with the statements that " +
                "undo the UP",
            findings[0].Message);
    }

    [Fact]
    public void Empty_down_is_a_warning_on_the_down_marker_line()
    {
        var migration = Parse("-- Migration: x\n\n-- +++++ UP\nCREATE TABLE t (id int);\n\n-- +++++ DOWN\n-- cannot be undone\n\n");
        var findings = MigrationLinter.Lint(migration);
        AssertFindings(findings, (MissingDown, Warning, 6));
        Assert.StartsWith(
            "has no DOWN (the DOWN section has no statement): Undo-Migration refuses it while rollback_safety is on.",
            findings[0].Message);

        // A DOWN marker at the very end of the file.
        AssertFindings(MigrationLinter.Lint(Parse("-- +++++ UP\nCREATE TABLE t (id int);\n-- +++++ DOWN")), (MissingDown, Warning, 3));
        AssertFindings(MigrationLinter.Lint(Parse("-- +++++ UP\nCREATE TABLE t (id int);\n-- +++++ DOWN\n")), (MissingDown, Warning, 3));
    }

    [Fact]
    public void Empty_up_is_a_warning_on_the_up_marker_line()
    {
        var findings = MigrationLinter.Lint(Parse("-- Migration: x\n-- Description: nothing\n\n-- +++++ UP\n-- TODO\n\n-- +++++ " +
            "DOWN\nSELECT 1;\n"));
        AssertFindings(findings, (EmptyUp, Warning, 4));
        Assert.StartsWith("has no statement in its UP", findings[0].Message);

        AssertFindings(
            MigrationLinter.Lint(Parse("-- Migration: x\n-- +++++ UP\n-- +++++ DOWN\n")),
            (EmptyUp, Warning, 2),
            (MissingDown, Warning, 3));
        AssertFindings(
            MigrationLinter.Lint(Parse("-- Migration: x\n-- +++++ UP\n\n")),
            (MissingDown, Warning, null),
            (EmptyUp, Warning, 2));
    }

    [Fact]
    public void A_good_migration_has_no_findings()
    {
        const string up = """
            CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL);
            CREATE UNIQUE INDEX users_email ON users (email);
            ALTER TABLE accounts ADD COLUMN owner_id bigint REFERENCES users (id);
            ALTER TABLE accounts ADD COLUMN kind text NOT NULL DEFAULT 'personal';
            """;
        const string down = """
            ALTER TABLE accounts DROP COLUMN kind;
            ALTER TABLE accounts DROP COLUMN owner_id;
            DROP TABLE users;
            """;
        Assert.Empty(Lint(up, down));
    }

    [Fact]
    public void Findings_are_in_line_order()
    {
        var findings = Lint("ALTER TABLE a ADD COLUMN x int NOT NULL;\nCREATE INDEX ON b (y);\nDROP TABLE c;", down: null);
        AssertFindings(findings, (MissingDown, Warning, null), (NotNull, Warning, 2), (Index, Warning, 3));
    }

    // ---- Check ---------------------------------------------------------------------------------------------------------

    [Fact]
    public void Check_reports_format_errors_first_then_lint_of_each_valid_file_in_order()
    {
        using var folder = new ServiceFolder();
        var first = folder.Write(
            "001_drop_users.sql",
            "-- Migration: drop_users\n-- +++++ UP\nDROP TABLE users;\n-- +++++ DOWN\nSELECT 1;\n");
        var bad = folder.Write("002_bad.sql", "-- Migration: bad\nSELECT 1;\n");
        var third = folder.Write(
            "003_index.sql",
            "-- Migration: index\n-- +++++ UP\nALTER TABLE t ALTER COLUMN c SET NOT NULL;\nCREATE INDEX t_c ON t (c);\n");

        var set = new MigrationLoader(folder.MigrationsPath).Analyze();
        var all = MigrationLinter.Check(set);

        (string File, string Rule, DiagnosticSeverity Severity, int? Line)[] expected =
        [
            (bad, MigrationParser.RuleMarkers, DiagnosticSeverity.Error, 2),
            (first, Drop, Warning, 3),
            (first, SharedMigrations.Core.Linting.LintRules.DropTable, Warning, 3),
            (third, MissingDown, Warning, null),
            (third, SetNotNull, Warning, 3),
            (third, Index, Warning, 4),
        ];
        Assert.Equal(expected, all.Select(d => (d.FilePath, d.Rule, d.Severity, d.Line)).ToArray());
    }

    [Fact]
    public void Check_of_a_clean_folder_is_empty()
    {
        using var folder = new ServiceFolder();
        folder.Add("001_create.sql", "CREATE TABLE t (id int);\nCREATE INDEX t_id ON t (id);", "DROP TABLE t;");
        Assert.Empty(MigrationLinter.Check(new MigrationLoader(folder.MigrationsPath).Analyze()));
    }
}
