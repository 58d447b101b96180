using System.Text;
using SharedMigrations.Core;
using SharedMigrations.Core.Errors;
using SharedMigrations.Core.Model;
using SharedMigrations.Core.Parsing;

namespace SharedMigrations.Tests.Engine;

public class MigrationParserTests
{
    private static MigrationParseResult Parse(string fileName, string text) => MigrationParser.Parse("/m/" + fileName, text);

    private static MigrationDiagnostic SingleError(MigrationParseResult result)
    {
        Assert.Null(result.Migration);
        return Assert.Single(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
    }

    [Fact]
    public void Reads_version_name_headers_and_sections()
    {
        var result = Parse("007_create_users.sql",
            "-- Migration: create_users\n-- Description: Users table\n-- Requires: auth-service@3, billing@12\n-- Requires: " +
                "other@1\n\n-- +++++ UP\nCREATE TABLE users (id int);\nCREATE INDEX users_id ON users (id);\n\n-- +++++ DOWN\nDROP TABLE " +
                    "users;\n");
        var m = Assert.IsType<Migration>(result.Migration);
        Assert.Equal(7, m.Version);
        Assert.Equal("create_users", m.Name);
        Assert.Equal("Users table", m.Description);
        Assert.Equal(TransactionMode.PerMigration, m.Transaction);
        Assert.Equal(["auth-service@3", "billing@12", "other@1"], m.Requires.Select(r => r.ToString()));
        Assert.Equal(3, m.Requires[0].Line);
        Assert.Equal(2, m.Up.Statements.Count);
        Assert.Equal(7, m.Up.LineOf(m.Up.Statements[0].Offset));
        Assert.Equal(8, m.Up.LineOf(m.Up.Statements[1].Offset));
        Assert.Equal("DROP TABLE users", Assert.Single(m.Down.Statements).Text);
        Assert.Equal(11, m.Down.LineOf(m.Down.Statements[0].Offset));
        Assert.True(m.HasDownSection);
        Assert.StartsWith("sha256:", m.Checksum);
        Assert.Equal(71, m.Checksum.Length);
    }

    [Fact]
    public void Markers_are_case_insensitive_and_ignore_surrounding_blanks()
    {
        var result = Parse("1_x.sql", "  --   +++++   up  \nSELECT 1;\n\t-- +++++ Down\t\nSELECT 2;");
        var m = Assert.IsType<Migration>(result.Migration);
        Assert.Equal("SELECT 1", m.Up.Statements.Single().Text);
        Assert.Equal("SELECT 2", m.Down.Statements.Single().Text);
    }

    [Fact]
    public void Transaction_none_header_is_read()
    {
        var m = Parse(
            "2_idx.sql",
            "-- Transaction: none\n-- +++++ UP\nCREATE INDEX CONCURRENTLY i ON t (x);\n-- +++++ DOWN\nDROP INDEX CONCURRENTLY i;")
                .Migration;
        Assert.Equal(TransactionMode.None, m!.Transaction);
    }

    [Fact]
    public void Missing_up_marker_is_an_error_naming_the_file()
    {
        var error = SingleError(Parse("001_a.sql", "-- Migration: a\n\n"));
        Assert.Equal(MigrationParser.RuleMarkers, error.Rule);
        Assert.Contains("no '-- +++++ UP' marker", error.Message);
        Assert.Equal("001_a.sql", error.FileName);
    }

    [Fact]
    public void Sql_before_up_marker_is_an_error_with_its_line()
    {
        var error = SingleError(Parse("001_a.sql", "-- Migration: a\nCREATE TABLE t (id int);\n-- +++++ UP\nSELECT 1;"));
        Assert.Equal(2, error.Line);
        Assert.Contains("SQL before", error.Message);
    }

    [Fact]
    public void Two_up_markers_is_an_error_at_the_second()
    {
        var error = SingleError(Parse("001_a.sql", "-- +++++ UP\nSELECT 1;\n-- +++++ UP\nSELECT 2;"));
        Assert.Equal(3, error.Line);
        Assert.Contains("second UP marker", error.Message);
        Assert.Contains("line 1", error.Message);
    }

    [Fact]
    public void Two_down_markers_is_an_error()
    {
        var error = SingleError(Parse("001_a.sql", "-- +++++ UP\nSELECT 1;\n-- +++++ DOWN\nSELECT 2;\n-- +++++ DOWN\nSELECT 3;"));
        Assert.Equal(5, error.Line);
        Assert.Contains("second DOWN marker", error.Message);
    }

    [Fact]
    public void Down_before_up_is_an_error_at_the_down_marker()
    {
        var error = SingleError(Parse("001_a.sql", "-- Migration: a\n-- +++++ DOWN\nDROP TABLE t;\n-- +++++ UP\nCREATE TABLE t ();"));
        Assert.Equal(2, error.Line);
        Assert.Contains("DOWN marker comes before", error.Message);
    }

    [Theory]
    [InlineData("-- ++++ DOWN")]
    [InlineData("-- +++++ DOWNWARDS")]
    [InlineData("-- ++++++ UP")]
    [InlineData("-- +++++ UP please")]
    public void Near_miss_marker_is_an_error_so_down_sql_never_runs_as_up(string marker)
    {
        var result = Parse("001_a.sql", $"-- +++++ UP\nCREATE TABLE t ();\n{marker}\nDROP TABLE t;");
        var error = Assert.Single(result.Diagnostics);
        Assert.Equal(3, error.Line);
        Assert.Contains("looks like a section marker", error.Message);
        Assert.Null(result.Migration);
    }

    [Theory]
    [InlineData("create_users.sql", "<version>_<name>.sql")]
    [InlineData("01a_users.sql", "digits only")]
    [InlineData("001_Users.sql", "lower-case")]
    [InlineData("001_users-table.sql", "lower-case")]
    [InlineData("001_.sql", "lower-case")]
    [InlineData("001_users.SQL", "lower case")]
    [InlineData("99999999999999999999_big.sql", "64-bit")]
    [InlineData("000_zero.sql", "at least 1")]
    public void Bad_file_names_are_errors(string fileName, string expected)
    {
        var error = SingleError(Parse(fileName, "-- +++++ UP\nSELECT 1;"));
        Assert.Equal(MigrationParser.RuleFileName, error.Rule);
        Assert.Contains(expected, error.Message);
        Assert.Contains(fileName, error.ToString());
    }

    [Fact]
    public void Largest_64_bit_version_is_accepted()
    {
        var m = Parse("9223372036854775807_last.sql", "-- +++++ UP\nSELECT 1;").Migration;
        Assert.Equal(long.MaxValue, m!.Version);
    }

    [Fact]
    public void Concurrent_index_without_transaction_none_is_an_error_that_says_to_add_the_header()
    {
        var error = SingleError(Parse(
            "003_idx.sql",
            "-- Migration: idx\n\n-- +++++ UP\nCREATE TABLE t (x int);\nCREATE INDEX CONCURRENTLY t_x ON t (x);\n-- +++++ DOWN\nDROP " +
                "TABLE t;"));
        Assert.Equal(5, error.Line);
        Assert.Equal(MigrationParser.RuleTransaction, error.Rule);
        Assert.Contains("-- Transaction: none", error.Message);
    }

    [Fact]
    public void Concurrent_drop_in_down_is_an_error_too()
    {
        var error = SingleError(Parse("003_idx.sql", "-- +++++ UP\nCREATE INDEX i ON t (x);\n-- +++++ DOWN\nDROP INDEX CONCURRENTLY i;"));
        Assert.Equal(4, error.Line);
        Assert.Contains("DOWN", error.Message);
    }

    [Fact]
    public void Commit_inside_a_transactional_migration_is_an_error()
    {
        var result = Parse("004_tx.sql", "-- +++++ UP\nBEGIN;\nCREATE TABLE t ();\nCOMMIT;");
        Assert.Null(result.Migration);
        Assert.All(result.Diagnostics, d => Assert.Equal(MigrationParser.RuleTransactionControl, d.Rule));
        Assert.Equal([2, 4], result.Diagnostics.Select(d => d.Line ?? 0));
    }

    [Fact]
    public void Unknown_transaction_value_is_an_error()
    {
        var error = SingleError(Parse("004_tx.sql", "-- Transaction: maybe\n-- +++++ UP\nSELECT 1;"));
        Assert.Equal(1, error.Line);
        Assert.Contains("'none'", error.Message);
    }

    [Fact]
    public void Bad_requires_is_an_error_with_its_line()
    {
        var error = SingleError(Parse("004_r.sql", "-- Migration: r\n-- Requires: auth-service\n-- +++++ UP\nSELECT 1;"));
        Assert.Equal(2, error.Line);
        Assert.Contains("<service>@<version>", error.Message);
    }

    [Fact]
    public void Unterminated_dollar_quote_is_an_error_at_its_line()
    {
        var error = SingleError(Parse("005_fn.sql", "-- +++++ UP\nSELECT 1;\nDO $$ BEGIN\n  PERFORM 1;\n-- +++++ DOWN\nSELECT 2;"));
        Assert.Equal(MigrationParser.RuleSyntax, error.Rule);
        Assert.Equal(3, error.Line);
    }

    [Fact]
    public void Invalid_utf8_is_an_error_naming_the_line()
    {
        var bytes = Encoding.UTF8.GetBytes("-- +++++ UP\nSELECT 'caf")
            .Concat(new byte[] { 0xC3, 0x28 })
            .Concat(Encoding.UTF8.GetBytes("';\n"))
            .ToArray();
        var error = SingleError(MigrationParser.Parse("/m/006_bin.sql", bytes));
        Assert.Equal(2, error.Line);
        Assert.Contains("UTF-8", error.Message);
    }

    [Fact]
    public void Nul_character_is_an_error()
    {
        var error = SingleError(Parse("006_nul.sql", "-- +++++ UP\nSELECT 1;\nSELECT '\0';"));
        Assert.Equal(3, error.Line);
    }

    [Fact]
    public void Utf16_file_is_an_error()
    {
        var bytes = Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("-- +++++ UP\nSELECT 1;")).ToArray();
        Assert.Contains("UTF-16", SingleError(MigrationParser.Parse("/m/006_u16.sql", bytes)).Message);
    }

    [Fact]
    public void Crlf_and_bom_checkouts_have_the_same_checksum_as_lf()
    {
        const string lf = "-- Migration: a\n-- +++++ UP\nCREATE TABLE t (id int);\n-- +++++ DOWN\nDROP TABLE t;\n";
        var crlf = lf.Replace("\n", "\r\n");
        var bom = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(crlf)).ToArray();
        var a = MigrationParser.Parse("/m/001_a.sql", Encoding.UTF8.GetBytes(lf)).Migration!;
        var b = MigrationParser.Parse("/m/001_a.sql", Encoding.UTF8.GetBytes(crlf)).Migration!;
        var c = MigrationParser.Parse("/m/001_a.sql", bom).Migration!;
        Assert.Equal(a.Checksum, b.Checksum);
        Assert.Equal(a.Checksum, c.Checksum);
        Assert.Equal(
            "sha256:" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(lf))).ToLowerInvariant(),
            a.Checksum);
        var edited = MigrationParser.Parse("/m/001_a.sql", lf.Replace("id int", "id bigint")).Migration!;
        Assert.NotEqual(a.Checksum, edited.Checksum);
    }

    [Fact]
    public void Dollar_quoted_function_body_stays_one_statement()
    {
        var m = Parse("008_fn.sql",
            "-- +++++ UP\nCREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $body$\nBEGIN\n  NEW.x := ';';\n  RETURN " +
                "NEW;\nEND;\n$body$;\nDO $$ BEGIN RAISE NOTICE 'a;b'; END $$;\n-- +++++ DOWN\nDROP FUNCTION f();").Migration!;
        Assert.Equal(2, m.Up.Statements.Count);
        Assert.StartsWith("DO $$", m.Up.Statements[1].Text);
        Assert.Equal(8, m.Up.LineOf(m.Up.Statements[1].Offset));
    }

    [Fact]
    public void Checksum_prefix_comparison_accepts_legacy_hex()
    {
        var sum = Checksum.OfText("x");
        Assert.True(Checksum.AreEqual(sum, sum));
        Assert.True(Checksum.AreEqual(sum["sha256:".Length..], sum));
        Assert.False(Checksum.AreEqual("sha512:" + sum["sha256:".Length..], sum));
        Assert.False(Checksum.AreEqual(null, sum));
    }
}
