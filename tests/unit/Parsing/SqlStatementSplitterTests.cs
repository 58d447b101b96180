using System.Diagnostics;
using System.Text;
using CsCheck;
using SharedMigrations.Core.Parsing;

namespace SharedMigrations.Tests.Parsing;

public class SqlStatementSplitterTests
{
    // ---------------------------------------------------------------- helpers

    private static SqlSplitResult SplitChecked(string sql)
    {
        var result = SqlStatementSplitter.Split(sql);
        AssertInvariants(sql, result);
        return result;
    }

    private static void AssertSplit(string sql, params (string Text, int Offset)[] expected)
    {
        var result = SplitChecked(sql);
        Assert.Null(result.Error);
        Assert.Equal(expected, result.Statements.Select(s => (s.Text, s.Offset)).ToArray());
    }

    private static void AssertError(string sql, string messagePart, int errorOffset, params (string Text, int Offset)[] expectedBefore)
    {
        var result = SplitChecked(sql);
        Assert.NotNull(result.Error);
        Assert.Contains(messagePart, result.Error!.Message, StringComparison.Ordinal);
        Assert.Equal(errorOffset, result.Error.Offset);
        Assert.Equal(expectedBefore, result.Statements.Select(s => (s.Text, s.Offset)).ToArray());
    }

    /// <summary>What must hold for any input: exact substrings, trimmed, in order, separated by a ';', before an error.</summary>
    private static void AssertInvariants(string sql, SqlSplitResult result)
    {
        int previousEnd = -1;
        foreach (var statement in result.Statements)
        {
            Assert.NotNull(statement.Text);
            Assert.NotEqual(0, statement.Length);
            Assert.Equal(statement.Text.Length, statement.Length);
            Assert.InRange(statement.Offset, 0, sql.Length - statement.Length);
            Assert.Equal(statement.Text, sql.Substring(statement.Offset, statement.Length));
            Assert.False(char.IsWhiteSpace(statement.Text[0]), $"statement starts with whitespace: [{statement.Text}]");
            Assert.False(char.IsWhiteSpace(statement.Text[^1]), $"statement ends with whitespace: [{statement.Text}]");
            Assert.NotEqual('\uFEFF', statement.Text[0]);
            Assert.False(statement.Text.StartsWith("--", StringComparison.Ordinal), $"statement starts with a comment: [{statement.Text}]");
            Assert.False(statement.Text.StartsWith("/*", StringComparison.Ordinal), $"statement starts with a comment: [{statement.Text}]");
            if (previousEnd >= 0)
            {
                Assert.True(statement.Offset > previousEnd, "statements overlap or are out of order");
                int semicolon = sql.IndexOf(';', previousEnd, statement.Offset - previousEnd);
                Assert.True(semicolon >= 0, "no ';' between two statements");
            }

            previousEnd = statement.Offset + statement.Length;
        }

        if (result.Error is { } error)
        {
            Assert.False(string.IsNullOrEmpty(error.Message));
            Assert.InRange(error.Offset, 0, sql.Length - 1);
            Assert.True(previousEnd <= error.Offset, "a statement extends past the error");
        }
    }

    // ---------------------------------------------------------------- basics

    [Fact]
    public void Null_throws_ArgumentNullException()
    {
        Assert.Throws<ArgumentNullException>(() => SqlStatementSplitter.Split(null!));
    }

    [Fact]
    public void Splits_on_semicolons()
    {
        AssertSplit("SELECT 1; SELECT 2;", ("SELECT 1", 0), ("SELECT 2", 10));
    }

    [Fact]
    public void Last_statement_needs_no_semicolon()
    {
        AssertSplit("SELECT 1;\nSELECT 2", ("SELECT 1", 0), ("SELECT 2", 10));
        AssertSplit("SELECT 1", ("SELECT 1", 0));
        AssertSplit("  SELECT 1  \n", ("SELECT 1", 2));
    }

    [Fact]
    public void Leading_whitespace_and_comments_are_not_part_of_the_statement()
    {
        AssertSplit("-- note\nCREATE TABLE t();", ("CREATE TABLE t()", 8));
        AssertSplit("  /* a */  SELECT 1 ;", ("SELECT 1", 11));
        AssertSplit("SELECT 1;\n\n-- second; 'one'\n/* really; */\nSELECT 2;", ("SELECT 1", 0), ("SELECT 2", 42));
    }

    [Fact]
    public void Trailing_whitespace_and_comments_before_the_semicolon_are_trimmed()
    {
        AssertSplit("SELECT 1 -- c\n;", ("SELECT 1", 0));
        AssertSplit("SELECT 1 /* c; */ ;SELECT 2\t", ("SELECT 1", 0), ("SELECT 2", 19));
        AssertSplit("SELECT 1 -- no semicolon at the end", ("SELECT 1", 0));
    }

    [Fact]
    public void Comments_inside_a_statement_are_kept_verbatim()
    {
        AssertSplit("SELECT /* ; */ 1 -- x;\n + 2;", ("SELECT /* ; */ 1 -- x;\n + 2", 0));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n\t\r\n")]
    [InlineData(";")]
    [InlineData(";;  ; -- only a comment\n;")]
    [InlineData("-- a file with only comments\n/* and; a 'block' */\n")]
    [InlineData("/* a /* nested */ comment */")]
    [InlineData("\uFEFF\n-- BOM and comment")]
    public void Pieces_without_tokens_produce_no_statement(string sql)
    {
        var result = SplitChecked(sql);
        Assert.Null(result.Error);
        Assert.Empty(result.Statements);
    }

    [Fact]
    public void Empty_pieces_between_statements_are_skipped()
    {
        AssertSplit(";;SELECT 1;;\n;SELECT 2;; -- end", ("SELECT 1", 2), ("SELECT 2", 14));
    }

    [Fact]
    public void Crlf_input()
    {
        AssertSplit("SELECT 1;\r\n-- c\r\nSELECT 2;\r\n", ("SELECT 1", 0), ("SELECT 2", 17));
        AssertSplit("SELECT 1 -- c;\r\n, 2;\r\n", ("SELECT 1 -- c;\r\n, 2", 0));
        AssertSplit("SELECT 1 -- c\r;\r\n", ("SELECT 1", 0)); // a lone CR ends a line comment too
    }

    // ---------------------------------------------------------------- strings and identifiers

    [Fact]
    public void Semicolon_inside_single_quotes()
    {
        AssertSplit("SELECT 'a;b'; SELECT 2", ("SELECT 'a;b'", 0), ("SELECT 2", 14));
    }

    [Fact]
    public void Doubled_single_quote_is_an_escaped_quote()
    {
        AssertSplit("SELECT 'it''s; here'; SELECT 2", ("SELECT 'it''s; here'", 0), ("SELECT 2", 22));
        AssertSplit("SELECT ''';'''; SELECT 2", ("SELECT ''';'''", 0), ("SELECT 2", 16));
    }

    [Fact]
    public void Backslash_escapes_in_E_strings()
    {
        AssertSplit(@"SELECT E'\'; x'; SELECT 2", (@"SELECT E'\'; x'", 0), ("SELECT 2", 17));
        AssertSplit(@"SELECT E'\\'; SELECT 2", (@"SELECT E'\\'", 0), ("SELECT 2", 14));
        AssertSplit(@"SELECT e'a\'b;' AS x; SELECT 2", (@"SELECT e'a\'b;' AS x", 0), ("SELECT 2", 22));
        AssertSplit(@"SELECT E'a''b;'; SELECT 2", (@"SELECT E'a''b;'", 0), ("SELECT 2", 17));
    }

    [Fact]
    public void Backslash_is_not_an_escape_in_plain_strings()
    {
        AssertSplit(@"SELECT 'a\'; SELECT 2", (@"SELECT 'a\'", 0), ("SELECT 2", 13));
    }

    [Fact]
    public void E_prefix_counts_only_at_the_start_of_a_token()
    {
        // "somE" is an identifier; the string after it is a plain one, so the backslash does not escape the quote.
        AssertSplit(@"SELECT somE'\'; SELECT 2", (@"SELECT somE'\'", 0), ("SELECT 2", 16));
        AssertSplit(@"SELECT x::text||E'\';'; SELECT 2", (@"SELECT x::text||E'\';'", 0), ("SELECT 2", 24));
    }

    [Fact]
    public void Unicode_escape_strings_and_identifiers()
    {
        AssertSplit("SELECT U&'a;b', u&\"c;d\"; SELECT 2", ("SELECT U&'a;b', u&\"c;d\"", 0), ("SELECT 2", 25));
    }

    [Fact]
    public void Semicolon_inside_quoted_identifier()
    {
        AssertSplit("SELECT \"a;b\" FROM t; SELECT 2", ("SELECT \"a;b\" FROM t", 0), ("SELECT 2", 21));
        AssertSplit("SELECT \"a\"\";b\"; SELECT 2", ("SELECT \"a\"\";b\"", 0), ("SELECT 2", 16));
        AssertSplit("SELECT \"it's;\" FROM t; SELECT 2", ("SELECT \"it's;\" FROM t", 0), ("SELECT 2", 23));
    }

    // ---------------------------------------------------------------- dollar quotes

    [Fact]
    public void Semicolon_inside_dollar_quotes()
    {
        AssertSplit("DO $$ BEGIN PERFORM 1; END $$; SELECT 2", ("DO $$ BEGIN PERFORM 1; END $$", 0), ("SELECT 2", 31));
    }

    [Fact]
    public void Other_dollar_tags_inside_a_dollar_quote_do_not_close_it()
    {
        AssertSplit(
            "SELECT $a$ x; $b$ y; $b$ $$ z; $$ $a$; SELECT 2",
            ("SELECT $a$ x; $b$ y; $b$ $$ z; $$ $a$", 0),
            ("SELECT 2", 39));
    }

    [Fact]
    public void Dollar_tags_are_case_sensitive()
    {
        AssertSplit("SELECT $A$ ; $a$ ; $A$; SELECT 2", ("SELECT $A$ ; $a$ ; $A$", 0), ("SELECT 2", 24));
    }

    [Fact]
    public void Do_block()
    {
        var sql =
            "-- header; with 'quote\n" +
            "DO $body$\n" +
            "DECLARE r record;\n" +
            "BEGIN\n" +
            "  FOR r IN SELECT 1 LOOP\n" +
            "    EXECUTE 'SELECT ''x;''';  -- don't\n" +
            "  END LOOP;\n" +
            "END\n" +
            "$body$ LANGUAGE plpgsql;\n" +
            "SELECT 2;\n";
        var doBlock = sql[23..sql.IndexOf(";\nSELECT 2", StringComparison.Ordinal)];
        Assert.StartsWith("DO $body$", doBlock, StringComparison.Ordinal);
        Assert.EndsWith("$body$ LANGUAGE plpgsql", doBlock, StringComparison.Ordinal);
        AssertSplit(sql, (doBlock, 23), ("SELECT 2", sql.Length - 10));
    }

    [Fact]
    public void Create_function_with_plpgsql_body()
    {
        var function =
            "CREATE OR REPLACE FUNCTION audit() RETURNS trigger LANGUAGE plpgsql AS $fn$\n" +
            "DECLARE\n" +
            "  msg text := 'it''s; fine';\n" +
            "BEGIN\n" +
            "  -- a comment; with 'quote\n" +
            "  /* $fn */ RAISE NOTICE '%', $$;$$;\n" +
            "  RETURN NEW;\n" +
            "END;\n" +
            "$fn$";
        var trigger = "CREATE TRIGGER t AFTER INSERT ON x FOR EACH ROW EXECUTE FUNCTION audit()";
        var sql = function + ";\n" + trigger + ";\n";
        AssertSplit(sql, (function, 0), (trigger, function.Length + 2));
    }

    [Fact]
    public void Dollar_inside_an_identifier_is_not_a_quote()
    {
        AssertSplit("SELECT foo$bar$, x$$ FROM t; SELECT 2", ("SELECT foo$bar$, x$$ FROM t", 0), ("SELECT 2", 29));
    }

    [Fact]
    public void Positional_parameters_are_not_quotes()
    {
        AssertSplit("SELECT $1; SELECT $2::int;", ("SELECT $1", 0), ("SELECT $2::int", 11));
        AssertError("SELECT $1$x$; SELECT 2", "unterminated dollar-quoted string $x$", 9); // $1, then $x$ opens a quote
    }

    [Fact]
    public void Lone_dollar_signs_are_not_quotes()
    {
        AssertSplit("SELECT $ ; SELECT $x ; SELECT 2$", ("SELECT $", 0), ("SELECT $x", 11), ("SELECT 2$", 23));
    }

    // ---------------------------------------------------------------- comments

    [Fact]
    public void Block_comments_nest()
    {
        AssertSplit(
            "SELECT /* a /* b; 'x */ c; \" */ 1; SELECT 2",
            ("SELECT /* a /* b; 'x */ c; \" */ 1", 0),
            ("SELECT 2", 35));
        AssertSplit("SELECT 1 /* a /* b; */ c; */; SELECT 2", ("SELECT 1", 0), ("SELECT 2", 30));
        AssertSplit("SELECT 1 /**/; SELECT /*/ ; */ 2", ("SELECT 1", 0), ("SELECT /*/ ; */ 2", 15));
    }

    [Fact]
    public void Line_comments_hide_semicolons_and_quotes()
    {
        AssertSplit("SELECT 1 -- it's; \"x\n, 2; SELECT 3", ("SELECT 1 -- it's; \"x\n, 2", 0), ("SELECT 3", 26));
        AssertSplit("SELECT 1--2; 'x\n; SELECT 3", ("SELECT 1", 0), ("SELECT 3", 18));
    }

    [Fact]
    public void Quotes_and_dollars_inside_comments_do_not_open_anything()
    {
        AssertSplit("/* $$ ' \" */ SELECT 1; -- $x$ '\nSELECT 2", ("SELECT 1", 13), ("SELECT 2", 32));
    }

    // ---------------------------------------------------------------- BEGIN ATOMIC and parentheses

    [Fact]
    public void Begin_atomic_body_is_one_statement()
    {
        var function =
            "CREATE FUNCTION maxi(a int, b int) RETURNS int LANGUAGE sql\n" +
            "BEGIN ATOMIC\n" +
            "  SELECT CASE WHEN a > b THEN a ELSE b END;\n" +
            "  SELECT (CASE a WHEN 1 THEN 2 END);\n" +
            "  SELECT CASE WHEN a > 0 THEN CASE WHEN b > 0 THEN 1 END END;\n" +
            "END";
        var sql = function + ";\nSELECT maxi(1, 2);\n";
        AssertSplit(sql, (function, 0), ("SELECT maxi(1, 2)", function.Length + 2));
    }

    [Fact]
    public void Begin_atomic_in_create_or_replace_procedure_any_case()
    {
        var procedure = "create or replace procedure p() language sql begin atomic insert into t values (1); insert into t values (2); end";
        AssertSplit(procedure + "; SELECT 1;", (procedure, 0), ("SELECT 1", procedure.Length + 2));

        var commented = "CREATE /* x */ OR -- y\n REPLACE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END";
        AssertSplit(commented + ";SELECT 2", (commented, 0), ("SELECT 2", commented.Length + 1));
    }

    [Fact]
    public void Begin_and_end_are_only_tracked_in_create_function_or_procedure()
    {
        AssertSplit(
            "CREATE TABLE t (x int);\nBEGIN;\nSELECT 1;\nEND;",
            ("CREATE TABLE t (x int)", 0),
            ("BEGIN", 24),
            ("SELECT 1", 31),
            ("END", 41));
        AssertSplit("CREATE TABLE begin_x (x int); SELECT 1", ("CREATE TABLE begin_x (x int)", 0), ("SELECT 1", 30));
    }

    [Fact]
    public void Case_end_outside_begin_does_not_change_the_depth()
    {
        var function = "CREATE FUNCTION sgn(x int) RETURNS int LANGUAGE sql RETURN CASE WHEN x > 0 THEN 1 ELSE 0 END";
        AssertSplit(function + ";\nSELECT 2;", (function, 0), ("SELECT 2", function.Length + 2));
    }

    [Fact]
    public void Begin_atomic_keywords_in_strings_comments_or_longer_words_do_not_count()
    {
        var function =
            "CREATE FUNCTION f() RETURNS text LANGUAGE sql BEGIN ATOMIC SELECT 'END'; SELECT \"end\" FROM t /* END */; SELECT endx; END";
        AssertSplit(function + "; SELECT 2", (function, 0), ("SELECT 2", function.Length + 2));
    }

    [Fact]
    public void Semicolons_inside_parentheses_do_not_split_like_psql()
    {
        var rule = "CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO a VALUES (1); INSERT INTO b VALUES (2))";
        AssertSplit(rule + "; SELECT 2", (rule, 0), ("SELECT 2", 94));
    }

    [Fact]
    public void Unbalanced_closing_parenthesis_is_ignored()
    {
        AssertSplit("SELECT 1); SELECT 2", ("SELECT 1)", 0), ("SELECT 2", 11));
    }

    // ---------------------------------------------------------------- other characters

    [Fact]
    public void Non_ascii_identifiers_and_whitespace()
    {
        AssertSplit("SELECT prénom, 名前 FROM t;\u00A0SELECT 'ü;'\u2003;", ("SELECT prénom, 名前 FROM t", 0), ("SELECT 'ü;'", 26));
        AssertSplit("\uFEFFSELECT 1", ("SELECT 1", 1));
    }

    [Fact]
    public void Operators_and_numbers()
    {
        AssertSplit("SELECT 1.5e-3*-2/4, x->>'a;', .5; SELECT 2", ("SELECT 1.5e-3*-2/4, x->>'a;', .5", 0), ("SELECT 2", 34));
    }

    // ---------------------------------------------------------------- unterminated constructs

    [Fact]
    public void Unterminated_single_quoted_string()
    {
        AssertError("SELECT 1; SELECT 'abc;\n", "unterminated single-quoted string", 17, ("SELECT 1", 0));
        AssertError("SELECT 'it''s", "unterminated single-quoted string", 7);
    }

    [Fact]
    public void Unterminated_E_string()
    {
        AssertError(@"SELECT 1; SELECT E'abc\'", "unterminated single-quoted string", 17, ("SELECT 1", 0));
        AssertError(@"SELECT E'abc\", "unterminated single-quoted string", 7);
    }

    [Fact]
    public void Unterminated_quoted_identifier()
    {
        AssertError("SELECT 1;\nSELECT \"abc;", "unterminated quoted identifier", 17, ("SELECT 1", 0));
        AssertError("SELECT U&\"abc", "unterminated quoted identifier", 7);
    }

    [Fact]
    public void Unterminated_dollar_quote()
    {
        AssertError("SELECT 1; DO $body$ BEGIN; END $Body$;", "unterminated dollar-quoted string $body$", 13, ("SELECT 1", 0));
        AssertError("DO $$ BEGIN END $", "unterminated dollar-quoted string $$", 3);
    }

    [Fact]
    public void Unterminated_block_comment()
    {
        AssertError("SELECT 1; /* a /* b */ ;", "unterminated block comment", 10, ("SELECT 1", 0));
        AssertError("SELECT 1 /*", "unterminated block comment", 9);
        AssertError("SELECT 1; SELECT 2 /* x *", "unterminated block comment", 19, ("SELECT 1", 0));
    }

    [Fact]
    public void Error_message_names_the_tag()
    {
        var result = SqlStatementSplitter.Split("DO $fn_1$ x");
        Assert.Equal(new SqlSplitError("unterminated dollar-quoted string $fn_1$", 3), result.Error);
    }

    [Fact]
    public void Unterminated_line_comment_at_end_is_fine()
    {
        AssertSplit("SELECT 1; -- no newline ' \" /* $$", ("SELECT 1", 0));
    }

    // ---------------------------------------------------------------- large inputs (speed is measured by build.ps1 Bench, not here)

    [Fact]
    public void Splits_large_and_pathological_inputs()
    {
        var migration =
            "-- Transaction: none\nCREATE TABLE t (id bigint PRIMARY KEY, name text NOT NULL DEFAULT 'x;y');\n" +
            "CREATE INDEX CONCURRENTLY t_name ON t (name);\n" +
            "DO $$ BEGIN RAISE NOTICE 'a;b'; END $$;\n" +
            "/* comment; */ INSERT INTO t VALUES (1, E'it\\'s'), (2, \"q;\");\n";
        var builder = new StringBuilder();
        for (int i = 0; i < 10_000; i++)
        {
            builder.Append(migration);
        }

        var big = builder.ToString();
        var result = SqlStatementSplitter.Split(big);
        var pathological = new[]
        {
            string.Concat(Enumerable.Repeat("$a ", 200_000)),
            string.Concat(Enumerable.Repeat("/*", 200_000)),
            string.Concat(Enumerable.Repeat("*/", 200_000)),
            "$x$" + string.Concat(Enumerable.Repeat("$x", 200_000)),
            string.Concat(Enumerable.Repeat("E'\\", 200_000)),
            string.Concat(Enumerable.Repeat("(", 200_000)) + ";",
        };
        foreach (var input in pathological)
        {
            var split = SqlStatementSplitter.Split(input);
            Assert.All(split.Statements, st => Assert.Equal(st.Text, input.Substring(st.Offset, st.Length)));
        }

        Assert.Null(result.Error);
        Assert.Equal(40_000, result.Statements.Count);
    }

    // ---------------------------------------------------------------- properties

    private static readonly string[] Heads =
    [
        "SELECT", "INSERT INTO t VALUES", "UPDATE t SET x =", "DO", "CREATE VIEW v AS SELECT", "select", "BEGIN", "END",
        "ALTER TABLE t ADD COLUMN c text DEFAULT",
    ];

    private static readonly string[] Middles =
    [
        "1", "x", "t.col", "::int", "+", "-", "/", "*", "[1]", "prénom", "名前", "foo$bar", "x$$", "$1", "1.5e3",
        "'a;b'", "'it''s;'", "''", "E'\\';x'", "e'\\\\'", "E'a''b;'", "U&'d;'", "\"q;\"\"id\"", "\"it's\"",
        "$$ ; $$", "$$$$", "$fn$ BEGIN x := ';'; $$ ; $$ $a$ END; $fn$", "$a$ $b$ ; $b$ $a$",
        "/* c; ' \" $$ */", "/* a /* b; */ c */", "/**/", "-- line ; ' \" $$ /*\n", "--\r\n",
        "(a; b)", "(SELECT ';')", "BEGIN", "END", "CASE", "ATOMIC", "somE'\\'",
    ];

    private static readonly string[] Tails =
    [
        "1", "x", "'s;'", "$$;$$", "$t$;$t$", "\"i;d\"", "foo$bar", "$2", "(1)", "E'\\\\'", "ü",
    ];

    private static readonly string[] Routines =
    [
        "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT CASE WHEN true THEN 2 END; END",
        "create or replace procedure p() language sql begin atomic insert into t values (';'); end",
        "CREATE FUNCTION g() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN 1; END $$",
    ];

    private static readonly string[] Spaces = [" ", "\n", "\r\n", "\t ", "  \n  "];

    private static readonly string[] Separators =
    [
        ";", ";\n", " ;\r\n", ";\n-- after; 'q\n", ";/* x; ' */", ";;\n;", "\n;\n\n", "/* before; */;", "-- c\n;",
    ];

    private static readonly string[] Leads = ["", "\n", "-- lead; 'x\n", "/* lead; /* nested; */ */\n", "\uFEFF", ";"];

    private static readonly string[] Ends = ["", "\n", " -- end; 'x", ";", ";\n-- c", ";\n/* c */\n"];

    private static readonly Gen<string> RegularStatement =
        Gen.Select(
            Gen.OneOf(Heads),
            Gen.Select(Gen.OneOf(Middles), Gen.OneOf(Spaces)).Array[0, 5],
            Gen.OneOf(Spaces),
            Gen.OneOf(Tails),
            (head, middles, space, tail) =>
            {
                var builder = new StringBuilder(head);
                foreach (var (middle, separator) in middles)
                {
                    builder.Append(separator).Append(middle);
                }

                return builder.Append(space).Append(tail).ToString();
            });

    private static readonly Gen<string> Statement =
        Gen.Frequency((10, (IGen<string>)RegularStatement), (1, Gen.OneOf(Routines)));

    private static readonly Gen<(string Script, (string Text, int Offset)[] Expected)> Script =
        Gen.Select(
            Gen.OneOf(Leads),
            Gen.Select(Statement, Gen.OneOf(Separators)).Array[0, 8],
            Gen.OneOf(Ends),
            (lead, statements, end) =>
            {
                var builder = new StringBuilder(lead);
                var expected = new List<(string, int)>();
                for (int i = 0; i < statements.Length; i++)
                {
                    var (text, separator) = statements[i];
                    expected.Add((text, builder.Length));
                    builder.Append(text).Append(i == statements.Length - 1 ? end : separator);
                }

                return (builder.ToString(), expected.ToArray());
            });

    [Fact]
    [Trait("Category", "Reliability")]
    public void Property_generated_scripts_split_back_into_their_statements()
    {
        Script.Sample(
            sample =>
            {
                var result = SplitChecked(sample.Script);
                Assert.Null(result.Error);
                Assert.Equal(sample.Expected, result.Statements.Select(s => (s.Text, s.Offset)).ToArray());
            },
            iter: 20_000);
    }

    private static readonly Gen<string> Junk =
        Gen.Frequency(
            (3, (IGen<string>)Gen.Char["';\"$-/*\\eEuU&() \r\n\tab_1ü\u00A0\uFEFF"].Array[0, 40].Select(chars => new string(chars))),
            (1, Gen.String),
            (2, Gen.Select(
                Gen.OneOf(Middles.Concat(Tails).Concat(Separators).Concat([
                    "'",
                    "\"",
                    "$",
                    "$a$",
                    "/*",
                    "*/",
                    "E'",
                    "--"]).ToArray()).Array[0, 12],
                parts => string.Concat(parts))));

    [Fact]
    [Trait("Category", "Reliability")]
    public void Property_split_and_rejoined_scripts_keep_every_statement()
    {
        Script.Sample(
            sample =>
            {
                var first = SplitChecked(sample.Script);
                var rejoined = string.Join(";\n", first.Statements.Select(s => s.Text)) + ";\n";
                var second = SplitChecked(rejoined);
                Assert.Null(second.Error);
                Assert.Equal(first.Statements.Select(s => s.Text), second.Statements.Select(s => s.Text));
            },
            iter: 20_000);
    }

    [Fact]
    [Trait("Category", "Reliability")]
    public void Property_never_throws_and_keeps_the_invariants_on_junk()
    {
        Junk.Sample(
            sql =>
            {
                var result = SplitChecked(sql);

                // Splitting the text that precedes an error again yields the same statements.
                if (result.Error is { } error)
                {
                    var again = SplitChecked(sql[..error.Offset]);
                    Assert.Null(again.Error);
                    Assert.Equal(result.Statements, again.Statements.Take(result.Statements.Count));
                }
            },
            iter: 20_000);
    }

    [Fact]
    [Trait("Category", "Reliability")]
    public void Property_random_unicode_strings_never_throw()
    {
        const string special = "';\"$-/*\\E&()\n";
        var random = new Random(20240611);
        for (int n = 0; n < 5_000; n++)
        {
            var chars = new char[random.Next(0, 60)];
            for (int i = 0; i < chars.Length; i++)
            {
                chars[i] = random.Next(4) == 0 ? special[random.Next(special.Length)] : (char)random.Next(0, 0x10000);
            }

            SplitChecked(new string(chars));
        }
    }
}
