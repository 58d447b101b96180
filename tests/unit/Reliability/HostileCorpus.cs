using System.Text;
using SharedMigrations.Core.Model;
using SharedMigrations.Core.Parsing;

namespace SharedMigrations.Tests.Reliability;

/// <summary>What a hostile case breaks: a migration file, or the service's config.yaml.</summary>
public enum HostileKind
{
    MigrationFile,
    Config,
}

/// <summary>
/// One malformed input. <see cref="Target"/> is the file the error must name (relative to the service folder);
/// <see cref="Line"/> the line it must name: a number, <see cref="HostileCorpus.SomeLine"/> (a line, whichever), or
/// <see cref="HostileCorpus.NoLineChecked"/> (the input has no meaningful line: a size, a file name, a whole document).
/// </summary>
public sealed record HostileCase(string Name, HostileKind Kind, string Target, byte[] Content, int Line, int Errors = 1)
{
    /// <summary>Other files of the case (for example a second file with the same version).</summary>
    public IReadOnlyList<(string Path, byte[] Content)> Extra { get; init; } = [];

    /// <summary>When set, the target is made this long (sparse) instead of written from <see cref="Content"/>.</summary>
    public long? SparseLength { get; init; }

    public override string ToString() => Name;
}

/// <summary>
/// The generated corpus of malformed migration files and configs: bad names, markers, headers, encodings, huge files,
/// binary junk, unterminated quotes, dollar quotes and comments, deep nesting, statements that cannot run in a
/// transaction, YAML syntax errors and bombs, wrong types, negative and overflowing numbers, bad identifiers.
/// Deterministic (fixed seeds), so a failure names the same case every time.
/// </summary>
public static class HostileCorpus
{
    public const int SomeLine = -1;
    public const int NoLineChecked = -2;

    private const string Valid = "-- Migration: valid\n\n-- +++++ UP\nCREATE TABLE t (id int);\n\n-- +++++ DOWN\nDROP TABLE t;\n";

    public static IReadOnlyList<HostileCase> All() => MigrationFiles().Concat(Configs()).ToArray();

    public static IEnumerable<HostileCase> MigrationFiles()
    {
        // ---- bad file names (the content is valid; only the name is wrong)
        string[] badNames =
        [
            "1.sql", "_x.sql", "abc_x.sql", "x.sql", "001-x.sql", "001_Create.sql", "001_X.sql", "001_x-y.sql", "001_.sql",
            "001_x.SQL", "001_x.Sql", "001_x.sqL", "001 _x.sql", "0_x.sql", "000_x.sql", "-1_x.sql", "+1_x.sql",
            "99999999999999999999_x.sql", "9223372036854775808_x.sql", "\uFF11\uFF12\uFF13_x.sql", "\u0663_x.sql",
            "001_\u00FC.sql", "001_x y.sql", "001_x.sql.sql", "001_x'); DROP TABLE users; --.sql", "001_x\ty.sql",
            "1e3_x.sql", "0x1F_x.sql", new string('9', 200) + "_x.sql",
        ];
        foreach (var name in badNames)
        {
            yield return Migration($"name {Printable(name)}", name, Valid, NoLineChecked);
        }

        // ---- section markers
        yield return Migration("marker: none, only SQL", "001_a.sql", "CREATE TABLE t (id int);\n", 1);
        yield return Migration("marker: empty file", "001_a.sql", "", NoLineChecked);
        yield return Migration("marker: blanks only", "001_a.sql", "\n\n   \n\t\n", NoLineChecked);
        yield return Migration("marker: comments only", "001_a.sql", "-- just a note\n/* and another */\n", 2);
        yield return Migration("marker: BOM only", "001_a.sql", "\uFEFF", NoLineChecked);
        yield return Migration("marker: headers only", "001_a.sql", "-- Migration: a\n-- Description: nothing below\n", NoLineChecked);
        yield return Migration("marker: DOWN only", "001_a.sql", "-- +++++ DOWN\nDROP TABLE t;\n", 1);
        yield return Migration(
            "marker: DOWN before UP",
            "001_a.sql",
            "-- Migration: a\n-- +++++ DOWN\nDROP TABLE t;\n-- +++++ UP\nCREATE TABLE t (id int);\n",
            2);
        yield return Migration("marker: two UP", "001_a.sql", "-- +++++ UP\nSELECT 1;\n-- +++++ UP\nSELECT 2;\n", 3);
        yield return Migration(
            "marker: two DOWN",
            "001_a.sql",
            "-- +++++ UP\nSELECT 1;\n-- +++++ DOWN\nSELECT 2;\n-- +++++ DOWN\nSELECT 3;\n",
            5);
        yield return Migration("marker: four plus signs", "001_a.sql", "-- ++++ UP\nSELECT 1;\n", 1, errors: 2);
        yield return Migration("marker: six plus signs", "001_a.sql", "-- ++++++ UP\nSELECT 1;\n", 1, errors: 2);
        yield return Migration("marker: UPP", "001_a.sql", "-- +++++ UPP\nSELECT 1;\n", 1, errors: 2);
        yield return Migration("marker: UP DOWN", "001_a.sql", "-- +++++ UP DOWN\nSELECT 1;\n", 1, errors: 2);
        yield return Migration("marker: SIDEWAYS", "001_a.sql", "-- +++++ UP\nSELECT 1;\n-- +++++ SIDEWAYS\n", 3);
        yield return Migration("marker: bare plus signs", "001_a.sql", "-- +++++ UP\nSELECT 1;\n-- +++++\n", 3);
        yield return Migration("marker: two plus signs", "001_a.sql", "-- ++ up\nSELECT 1;\n", 1, errors: 2);
        yield return Migration("marker: trailing comment", "001_a.sql", "-- +++++ UP -- the up part\nSELECT 1;\n", 1, errors: 2);
        yield return Migration(
            "marker: SQL before UP",
            "001_a.sql",
            "-- Description: d\nCREATE TABLE t (id int);\n-- +++++ UP\nSELECT 1;\n",
            2);
        yield return Migration("marker: junk marker in UP", "001_a.sql", "-- +++++ UP\nSELECT 1;\n-- ++ oops\nSELECT 2;\n", 3);
        yield return Migration("marker: marker inside a string", "001_a.sql", "-- +++++ UP\nSELECT '\n-- +++++ DOWN\n';\n", 2, errors: 2);
        yield return Migration(
            "marker: 40000 blanks after the marker",
            "001_a.sql",
            "-- +++++ UP" + new string(' ', 40_000) + "x\nSELECT 1;\n",
            1,
            errors: 2);

        // ---- headers
        yield return Migration("header: Transaction maybe", "001_a.sql", "-- Transaction: maybe\n-- +++++ UP\nSELECT 1;\n", 1);
        yield return Migration(
            "header: Transaction none please",
            "001_a.sql",
            "-- Migration: a\n-- Transaction: NONE please\n-- +++++ UP\nSELECT 1;\n",
            2);
        yield return Migration("header: Transaction empty", "001_a.sql", "-- Transaction:\n-- +++++ UP\nSELECT 1;\n", 1);
        string[] badRequires = ["svc", "@3", "svc@", "svc@-1", "svc@99999999999999999999", "svc@1.5", "../etc@1", "svc@0x10"];
        foreach (var requirement in badRequires)
        {
            yield return Migration(
                $"header: Requires {requirement}",
                "001_a.sql",
                $"-- Migration: a\n-- Requires: {requirement}\n-- +++++ UP\nSELECT 1;\n",
                2);
        }

        yield return Migration("header: Requires empty", "001_a.sql", "-- Requires:\n-- +++++ UP\nSELECT 1;\n", 1);
        yield return Migration(
            "header: Requires with injection",
            "001_a.sql",
            "-- Requires: svc@3; DROP TABLE users\n-- +++++ UP\nSELECT 1;\n",
            1,
            errors: 4);
        yield return Migration(
            "header: 40000 blanks inside a bad Requires",
            "001_a.sql",
            "-- Requires: a" + new string(' ', 40_000) + "b\n-- +++++ UP\nSELECT 1;\n",
            1,
            errors: 2);

        // ---- encodings (line: where the bad byte is)
        yield return Bytes("encoding: UTF-16 LE", "001_a.sql", [0xFF, 0xFE, .. Encoding.Unicode.GetBytes(Valid)], 1);
        yield return Bytes("encoding: UTF-16 BE", "001_a.sql", [0xFE, 0xFF, .. Encoding.BigEndianUnicode.GetBytes(Valid)], 1);
        yield return Bytes("encoding: UTF-32 LE", "001_a.sql", [0xFF, 0xFE, 0x00, 0x00, .. Encoding.UTF32.GetBytes(Valid)], 1);
        yield return Bytes(
            "encoding: invalid UTF-8 pair",
            "001_a.sql",
            Utf8Then("-- +++++ UP\nSELECT 1;\nSELECT '", [0xC3, 0x28], "';\n"),
            3);
        yield return Bytes("encoding: lone continuation byte", "001_a.sql", Utf8Then("-- +++++ UP\n", [0x80], "\n"), 2);
        yield return Bytes("encoding: overlong slash", "001_a.sql", Utf8Then("-- +++++ UP\nSELECT 1;\n-- ", [0xC0, 0xAF], "\n"), 3);
        yield return Bytes("encoding: UTF-8 encoded surrogate", "001_a.sql", Utf8Then("-- +++++ UP\n", [0xED, 0xA0, 0x80], "\n"), 2);
        yield return Bytes(
            "encoding: Latin-1 e-acute",
            "001_a.sql",
            Utf8Then("-- Description: caf", [0xE9], "\n-- +++++ UP\nSELECT 1;\n"),
            1);
        yield return Bytes(
            "encoding: truncated sequence at the end",
            "001_a.sql",
            Utf8Then("-- +++++ UP\nSELECT 1;\n", [0xE2, 0x82], string.Empty),
            3);
        yield return Bytes("encoding: 0xFF byte", "001_a.sql", Utf8Then("-- +++++ UP\nSELECT 1;\n", [0xFF], "\n"), 3);
        yield return Bytes(
            "encoding: NUL in a line",
            "001_a.sql",
            Utf8Then("-- +++++ UP\nSELECT 1;\nSELECT 2;\nSELECT ", [0x00], "3;\n"),
            4);
        yield return Bytes("encoding: NUL first", "001_a.sql", [0x00, .. Encoding.UTF8.GetBytes(Valid)], 1);

        // ---- binary files that are not SQL
        yield return Bytes(
            "binary: PNG",
            "001_a.sql",
            [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 0x49, 0x48, 0x44, 0x52],
            1);
        yield return Bytes("binary: ELF", "001_a.sql", [0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x01, 0x00, 0, 0, 0, 0], 1);
        yield return Bytes("binary: gzip", "001_a.sql", [0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03], 1);
        yield return Bytes("binary: zip", "001_a.sql", [0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, 0x08, 0x00], 1);
        yield return Bytes("binary: PDF", "001_a.sql", Utf8Then("%PDF-1.4\n%", [0xE2, 0xE3, 0xCF, 0xD3], "\n"), 2);
        yield return Bytes("binary: Java class", "001_a.sql", [0xCA, 0xFE, 0xBA, 0xBE, 0x00, 0x00, 0x00, 0x34], 1);
        var random = new Random(20_261_126);
        for (var i = 0; i < 30; i++)
        {
            var junk = new byte[random.Next(1, 4096)];
            random.NextBytes(junk);
            junk[0] = (byte)random.Next(0x80, 0x100); // starts like no text file does
            yield return Bytes($"binary: random junk #{i + 1} ({junk.Length} bytes)", $"{i + 1:000}_junk.sql", junk, SomeLine);
        }

        // ---- huge files
        yield return new HostileCase(
            "huge: 64 MiB + 1 byte (sparse)",
            HostileKind.MigrationFile,
            "migrations/001_a.sql",
            [],
            NoLineChecked)
        { SparseLength = MigrationParser.MaxFileBytes + 1L };
        var bigBody = new StringBuilder("-- +++++ UP\n");
        for (var i = 0; i < 200_000; i++)
        {
            bigBody.Append("INSERT INTO t VALUES (").Append(i).Append(");\n");
        }

        yield return Migration(
            "huge: 200000 statements then an unterminated string",
            "001_a.sql",
            bigBody + "SELECT 'never closed;\n",
            200_002);
        yield return Migration(
            "huge: 8 MB line with an unterminated dollar quote",
            "001_a.sql",
            "-- +++++ UP\nSELECT $body$" + new string('x', 8_000_000) + "\n",
            2);
        yield return Migration(
            "huge: 200000 comment lines and no UP",
            "001_a.sql",
            string.Concat(Enumerable.Repeat("-- comment\n", 200_000)),
            NoLineChecked);

        // ---- unterminated strings, identifiers, dollar quotes and comments, in UP and in DOWN
        string[] unterminated =
        [
            "'abc", "e'abc", "E'abc\\'", "'it''s", "\"abc", "\"a\"\"b", "U&'abc", "U&\"abc", "B'0101", "X'ff", "N'abc",
            "$$abc", "$tag$abc $tag", "$tag$abc $TAG$", "$a$abc $b$", "/* abc", "/* a /* b */",
        ];
        foreach (var piece in unterminated)
        {
            yield return Migration(
                $"unterminated in UP: {piece}",
                "001_a.sql",
                $"-- Migration: a\n\n-- +++++ UP\nSELECT 1;\nSELECT {piece} FROM t;\nSELECT 2;\n",
                5);
            yield return Migration(
                $"unterminated in DOWN: {piece}",
                "001_a.sql",
                $"-- Migration: a\n\n-- +++++ UP\nSELECT 1;\n\n-- +++++ DOWN\nSELECT 1;\nSELECT {piece};\n",
                8);
        }

        // ---- deep nesting
        yield return Migration(
            "nesting: 200000 open block comments",
            "001_a.sql",
            "-- +++++ UP\n" + string.Concat(Enumerable.Repeat("/*", 200_000)) + "\n",
            2);
        yield return Migration(
            "nesting: 200000 parentheses then an open quote",
            "001_a.sql",
            "-- +++++ UP\nSELECT " + new string('(', 200_000) + "\n'open\n",
            3);
        yield return Migration(
            "nesting: 100000 closed comments then an open one",
            "001_a.sql",
            "-- +++++ UP\n" + string.Concat(Enumerable.Repeat("/*", 100_000)) + string.Concat(Enumerable.Repeat("*/", 100_000))
                + "\nSELECT 1;\n/* open\n",
            4);

        // ---- statements PostgreSQL cannot run inside a transaction, without '-- Transaction: none'
        string[] nonTransactional =
        [
            "CREATE INDEX CONCURRENTLY i ON t (id)", "CREATE UNIQUE INDEX CONCURRENTLY i ON t (id)", "DROP INDEX CONCURRENTLY i",
            "REINDEX TABLE CONCURRENTLY t",
            "REINDEX (CONCURRENTLY) INDEX i",
            "REINDEX DATABASE d",
            "VACUUM",
            "VACUUM FULL t",
            "vacuum analyze t",
            "ALTER SYSTEM SET work_mem = '1MB'", "CREATE DATABASE d", "DROP DATABASE d", "CREATE TABLESPACE s LOCATION '/tmp'",
            "ALTER TABLE p DETACH PARTITION c CONCURRENTLY", "DISCARD ALL",
        ];
        foreach (var statement in nonTransactional)
        {
            yield return Migration(
                $"needs Transaction: none in UP: {statement}",
                "001_a.sql",
                $"-- Migration: a\n\n-- +++++ UP\nSELECT 1;\n{statement};\n",
                5);
            yield return Migration(
                $"needs Transaction: none in DOWN: {statement}",
                "001_a.sql",
                $"-- Migration: a\n\n-- +++++ UP\nSELECT 1;\n\n-- +++++ DOWN\nSELECT 1;\n{statement};\n",
                8);
        }

        // ---- transaction control inside a migration that already runs in a transaction
        string[] control = [
            "BEGIN",
            "begin transaction",
            "COMMIT",
            "END",
            "ROLLBACK",
            "ABORT",
            "START TRANSACTION",
            "PREPARE TRANSACTION 'x'",
            "COMMIT PREPARED 'x'"];
        foreach (var statement in control)
        {
            yield return Migration(
                $"transaction control: {statement}",
                "001_a.sql",
                $"-- Migration: a\n\n-- +++++ UP\nCREATE TABLE t (id int);\n{statement};\n",
                5);
        }

        // ---- the same version twice
        yield return Migration(
            "duplicate version: 001 and 1",
            "1_b.sql",
            Valid,
            NoLineChecked) with
        { Extra = [("migrations/001_a.sql", Utf8(Valid))] };
        yield return Migration(
            "duplicate version: 0002 and 002",
            "002_a.sql",
            Valid,
            NoLineChecked) with
        { Extra = [("migrations/0002_b.sql", Utf8(Valid))] };
    }

    public static IEnumerable<HostileCase> Configs()
    {
        // ---- not YAML
        yield return Config("yaml: tab indentation", "database:\n\thost: a\n", SomeLine);
        yield return Config("yaml: unterminated double quote", "database:\n  host: \"abc\n", SomeLine);
        yield return Config("yaml: unterminated single quote", "database:\n  host: 'abc\n", SomeLine);
        yield return Config("yaml: unclosed flow sequence", "service:\n  depends_on: [a, b\n", SomeLine);
        yield return Config("yaml: unclosed flow mapping", "database: {host: a\n", SomeLine);
        yield return Config("yaml: bad indentation", "database:\n  host: a\n   port: 1\n", SomeLine);
        yield return Config("yaml: mapping in a plain value", "database:\n  host: a: b\n", SomeLine);
        yield return Config("yaml: stray bracket", "]\n", SomeLine);
        yield return Config("yaml: list then mapping", "- a\nb: c\n", SomeLine);
        yield return Config("yaml: undefined alias", "database:\n  host: *nope\n", SomeLine);
        yield return Config("yaml: duplicate key", "database:\n  host: a\n  host: b\n", 3);
        yield return Config("yaml: duplicate section", "database:\n  host: a\ndatabase:\n  port: 1\n", 3);
        yield return Config("yaml: two documents", "service:\n  name: a\n---\nservice:\n  name: b\n", NoLineChecked);
        yield return Config("yaml: bad escape", "database:\n  host: \"\\q\"\n", SomeLine);
        yield return Config("yaml: NUL character", "database:\n  host: a\0b\n", SomeLine);
        yield return Config("yaml: unsupported version directive", "%YAML 9.9\n---\ndatabase:\n  host: a\n", SomeLine);
        yield return Config("yaml: empty flow entry", "service:\n  depends_on: [a, , b]\n", SomeLine);

        // ---- YAML bombs (aliases are not expanded, but a value that is a structure is still the wrong type)
        const string Laughs = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, " +
            "*b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n";
        yield return Config("bomb: billion laughs in depends_on", Laughs + "service:\n  depends_on: *e\n", SomeLine);
        yield return Config("bomb: billion laughs as the host", Laughs + "database:\n  host: *e\n", SomeLine);
        yield return Config("bomb: billion laughs as a section", Laughs + "migration: *e\n", SomeLine);
        yield return Config(
            "bomb: 10000 aliases in depends_on",
            "x: &x svc\nservice:\n  depends_on: [" + string.Join(", ", Enumerable.Repeat("*x", 10_000)) + "]\n",
            3);
        yield return Config(
            "bomb: a long bad name 100 times",
            "x: &x \"" + string.Concat(Enumerable.Repeat("a b ", 5000)) + "\"\nservice:\n  depends_on: ["
                + string.Join(", ", Enumerable.Repeat("*x", 100)) + "]\n",
            3);
        yield return Config("bomb: self-referencing anchor as the host", "database: &d\n  host: *d\n", SomeLine);

        // ---- deep nesting (the document model recurses once per level: refused before it is built)
        yield return Config(
            "nesting: 100000 flow lists",
            "service:\n  depends_on: " + new string('[', 100_000) + new string(']', 100_000) + "\n",
            2);
        yield return Config(
            "nesting: 10000 flow mappings",
            string.Concat(Enumerable.Repeat("{a: ", 10_000)) + "1" + new string('}', 10_000) + "\n",
            1);
        var block = new StringBuilder();
        for (var i = 0; i < 1000; i++)
        {
            block.Append(' ', i).Append("a:\n");
        }

        yield return Config("nesting: 1000 indented mappings", block.Append(' ', 1000).Append("b: 1\n").ToString(), SomeLine);
        yield return Config("nesting: deep under an unknown key", "x: " + new string('[', 5000) + new string(']', 5000) + "\n", 1);

        // ---- wrong types, negative and overflowing values (the line of the value)
        string[] badPorts = ["abc", "0", "-1", "65536", "1.5", "99999999999999999999", "[1]", "{a: 1}", "true", "0x1F"];
        foreach (var port in badPorts)
        {
            yield return Config($"type: database.port {port}", $"database:\n  port: {port}\n", 2);
        }

        foreach (var retries in new[] { "-1", "101", "abc", "1e3", "2147483648" })
        {
            yield return Config($"type: database.connect_retries {retries}", $"database:\n  connect_retries: {retries}\n", 2);
        }

        foreach (var timeout in new[] { "forever", "-1s", "1h", "5 parsecs", "\"\"", "9999999999999999999ms", "1.5s", "[1s]" })
        {
            yield return Config($"type: database.connect_timeout {timeout}", $"database:\n  connect_timeout: {timeout}\n", 2);
        }

        foreach (var (key, value) in new[]
        {
            ("lock_wait", "-5s"), ("lock_wait", "99999999999h"), ("lock_wait", "1.5s"), ("lock_wait", "60"), ("lock_wait", "60sec"),
            ("lock_timeout", "abc"), ("lock_timeout", "25d"), ("statement_timeout", "[1]"), ("statement_timeout", "{s: 1}"),
            ("checksum_validation", "maybe"),
            ("rollback_safety", "2"),
            ("out_of_order", "{}"),
            ("out_of_order", "[]"),
            ("versioning", "weekly"),
            ("directory", "[a, b]"),
        })
        {
            yield return Config($"type: migration.{key} {value}", $"migration:\n  {key}: {value}\n", 2);
        }

        // ---- identifiers that would reach SQL: validated, never pasted
        string[] badTables =
        [
            "a.b.c", "\"x; DROP TABLE users; --\"", "1abc", "\"\"", "a-b", new string('a', 70), "ops.", ".t", "\u00FC", "\"sel\\\"ect\"",
            "\"public.x y\"", "\"x'); DROP TABLE users; --\"", "\"a\\nb\"", "\"$1\"", "\"t/**/\"", "\"ops\".\"t\"",
        ];
        foreach (var table in badTables)
        {
            yield return Config($"identifier: migration.table_name {Printable(table)}", $"migration:\n  table_name: {table}\n", 2);
        }

        foreach (var name in new[] { "\"bad name!\"", "\"-lead\"", "\"\"", "[a]", "a/b", "\"x'); DROP TABLE users; --\"", new string(
            's',
            129) })
        {
            yield return Config($"identifier: service.name {Printable(name)}", $"service:\n  name: {name}\n", 2);
        }

        yield return Config("identifier: depends_on entry is a mapping", "service:\n  depends_on: [{a: 1}]\n", 2);
        yield return Config("identifier: depends_on entry has a blank", "service:\n  depends_on: [\"bad name\"]\n", 2);
        yield return Config(
            "identifier: depends_on of 1001 entries",
            "service:\n  depends_on: [" + string.Join(", ", Enumerable.Range(0, 1001).Select(i => $"s{i}")) + "]\n",
            2);
        yield return Config("identifier: depends_on scalar with a bad name", "service:\n  depends_on: a, b c\n", 2);

        // ---- sections of the wrong shape
        yield return Config("shape: service is a list", "service: [1, 2]\n", 1);
        yield return Config("shape: database is a list", "database: [a]\n", 1);
        yield return Config("shape: migration is a word", "migration: x\n", 1);
        yield return Config("shape: top level is a list", "- a\n- b\n", 1);
        yield return Config("shape: top level is a word", "hello\n", 1);

        // ---- ${VAR} expansion
        yield return Config("variable: unclosed", "database:\n  password: ${UNCLOSED\n", 2);
        yield return Config("variable: starts with a digit", "database:\n  host: ${1BAD}\n", 2);
        yield return Config("variable: empty name", "database:\n  host: ${}\n", 2);
        yield return Config("variable: unset table name", "migration:\n  table_name: ${SM_HOSTILE_UNSET_VARIABLE}\n", 2);
        yield return Config(
            "variable: unset password (found at connect time)",
            "database:\n  password: ${SM_HOSTILE_UNSET_VARIABLE}\n",
            NoLineChecked);
        yield return Config(
            "variable: unset connect_timeout (found at connect time)",
            "database:\n  connect_timeout: ${SM_HOSTILE_UNSET_VARIABLE}\n",
            NoLineChecked);

        // ---- connection settings refused when the connection is built
        yield return Config("connection: sslmode sideways", "database:\n  sslmode: sideways\n", NoLineChecked);
        yield return Config(
            "connection: connection_string not key=value",
            "database:\n  connection_string: \"Host=a;;Password='Sekr3t\"\n",
            NoLineChecked);
        yield return Config(
            "connection: connection_string unknown key",
            "database:\n  connection_string: \"Host=a;Password=Sekr3t;Bogus=1\"\n",
            NoLineChecked);
        yield return Config(
            "connection: connection_string misspelt password",
            "database:\n  connection_string: \"Host=a;Pasword=Sekr3t\"\n",
            NoLineChecked);
        yield return Config(
            "connection: connection_string bad port",
            "database:\n  connection_string: \"Host=a;Port=abc\"\n",
            NoLineChecked);
        yield return Config(
            "connection: connection_string timeout too long",
            "database:\n  connection_string: \"Host=a;Timeout=99999\"\n",
            NoLineChecked);

        // ---- size and encoding
        yield return Config("size: config over 1 MiB", "# " + new string('x', 1_100_000) + "\n", NoLineChecked);
        yield return Bytes(
            "encoding: config in Latin-1",
            "config.yaml",
            Utf8Then("database:\n  host: caf", [0xE9], "\n"),
            2,
            HostileKind.Config);
        yield return Bytes(
            "encoding: config cut inside a character",
            "config.yaml",
            Utf8Then("database:\n  host: ", [0xE2, 0x82], string.Empty),
            2,
            HostileKind.Config);
        yield return Bytes(
            "encoding: config with a NUL",
            "config.yaml",
            Utf8Then("database:\n  host: a", [0x00], "\n"),
            SomeLine,
            HostileKind.Config);
        var random = new Random(1_126);
        for (var i = 0; i < 12; i++)
        {
            var junk = new byte[random.Next(1, 2048)];
            random.NextBytes(junk);
            junk[0] = (byte)random.Next(0x80, 0x100);
            yield return Bytes($"binary: random config #{i + 1} ({junk.Length} bytes)", "config.yaml", junk, SomeLine, HostileKind.Config);
        }
    }

    private static HostileCase Migration(string name, string fileName, string text, int line, int errors = 1) =>
        new(name, HostileKind.MigrationFile, "migrations/" + fileName, Utf8(text), line, errors);

    private static HostileCase Config(string name, string yaml, int line) =>
        new(name, HostileKind.Config, "config.yaml", Utf8(yaml), line);

    private static HostileCase Bytes(
        string name,
        string fileName,
        byte[] content,
        int line,
        HostileKind kind = HostileKind.MigrationFile) =>
        new(name, kind, kind == HostileKind.Config ? fileName : "migrations/" + fileName, content, line);

    private static byte[] Utf8(string text) => new UTF8Encoding(false).GetBytes(text);

    private static byte[] Utf8Then(string before, byte[] bytes, string after) => [.. Utf8(before), .. bytes, .. Utf8(after)];

    private static string Printable(string text) =>
        (text.Length > 40 ? text[..40] + "..." : text).Replace("\t", "\\t").Replace("\n", "\\n");
}
