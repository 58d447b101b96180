using SharedMigrations.Core.Parsing;

namespace SharedMigrations.Tests.Parsing;

public class NonTransactionalStatementsTests
{
    [Theory]
    // CREATE / DROP INDEX CONCURRENTLY
    [InlineData("CREATE INDEX CONCURRENTLY i ON t (x)", "CREATE INDEX CONCURRENTLY")]
    [InlineData("create unique index concurrently if not exists i on t(x)", "CREATE INDEX CONCURRENTLY")]
    [InlineData("CREATE INDEX CONCURRENTLY ON t(x)", "CREATE INDEX CONCURRENTLY")]
    [InlineData("CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t(x)", "CREATE INDEX CONCURRENTLY")]
    [InlineData("CREATE /* c; */ INDEX -- c\n Concurrently i ON t(x)", "CREATE INDEX CONCURRENTLY")]
    [InlineData("CREATE\n\tUNIQUE\r\nINDEX\nCONCURRENTLY i ON t(x) WHERE note <> 'x'", "CREATE INDEX CONCURRENTLY")]
    [InlineData("DROP INDEX CONCURRENTLY IF EXISTS i", "DROP INDEX CONCURRENTLY")]
    [InlineData("drop index concurrently s.i", "DROP INDEX CONCURRENTLY")]
    // REINDEX
    [InlineData("REINDEX INDEX CONCURRENTLY i", "REINDEX CONCURRENTLY")]
    [InlineData("REINDEX TABLE CONCURRENTLY t", "REINDEX CONCURRENTLY")]
    [InlineData("REINDEX SCHEMA CONCURRENTLY s", "REINDEX CONCURRENTLY")]
    [InlineData("REINDEX (VERBOSE) TABLE CONCURRENTLY t", "REINDEX CONCURRENTLY")]
    [InlineData("REINDEX (CONCURRENTLY) TABLE t", "REINDEX CONCURRENTLY")]
    [InlineData("REINDEX (CONCURRENTLY true, VERBOSE) INDEX i", "REINDEX CONCURRENTLY")]
    [InlineData("REINDEX (VERBOSE, CONCURRENTLY on) INDEX i", "REINDEX CONCURRENTLY")]
    [InlineData("REINDEX (TABLESPACE ts, CONCURRENTLY) TABLE t", "REINDEX CONCURRENTLY")]
    [InlineData("REINDEX DATABASE d", "REINDEX DATABASE")]
    [InlineData("REINDEX DATABASE CONCURRENTLY d", "REINDEX DATABASE")]
    [InlineData("REINDEX DATABASE", "REINDEX DATABASE")]
    [InlineData("reindex system", "REINDEX SYSTEM")]
    [InlineData("REINDEX (VERBOSE) SYSTEM d", "REINDEX SYSTEM")]
    // VACUUM
    [InlineData("VACUUM", "VACUUM")]
    [InlineData("vacuum full analyze t", "VACUUM")]
    [InlineData("VACUUM (VERBOSE, ANALYZE) t (a, b)", "VACUUM")]
    [InlineData("/* maintenance */ VACUUM t", "VACUUM")]
    // ALTER SYSTEM, databases, tablespaces
    [InlineData("ALTER SYSTEM SET work_mem = '64MB'", "ALTER SYSTEM")]
    [InlineData("alter system reset all", "ALTER SYSTEM")]
    [InlineData("CREATE DATABASE d", "CREATE DATABASE")]
    [InlineData("CREATE DATABASE \"my;db\" WITH OWNER = x", "CREATE DATABASE")]
    [InlineData("DROP DATABASE IF EXISTS d WITH (FORCE)", "DROP DATABASE")]
    [InlineData("CREATE TABLESPACE ts LOCATION '/x'", "CREATE TABLESPACE")]
    [InlineData("DROP TABLESPACE IF EXISTS ts", "DROP TABLESPACE")]
    [InlineData("ALTER DATABASE d SET TABLESPACE ts", "ALTER DATABASE SET TABLESPACE")]
    [InlineData("ALTER DATABASE \"My DB\" SET -- move it\n TABLESPACE ts", "ALTER DATABASE SET TABLESPACE")]
    [InlineData("alter database set set tablespace ts", "ALTER DATABASE SET TABLESPACE")]
    // DETACH PARTITION CONCURRENTLY
    [InlineData("ALTER TABLE p DETACH PARTITION c CONCURRENTLY", "ALTER TABLE DETACH PARTITION CONCURRENTLY")]
    [InlineData("ALTER TABLE IF EXISTS s.p DETACH PARTITION s.c CONCURRENTLY", "ALTER TABLE DETACH PARTITION CONCURRENTLY")]
    [InlineData("alter table only \"P\" detach partition \"C\" concurrently", "ALTER TABLE DETACH PARTITION CONCURRENTLY")]
    // subscriptions
    [InlineData("CREATE SUBSCRIPTION s CONNECTION 'host=x dbname=y' PUBLICATION p", "CREATE SUBSCRIPTION")]
    [InlineData("CREATE SUBSCRIPTION s CONNECTION 'x' PUBLICATION p WITH (copy_data = false)", "CREATE SUBSCRIPTION")]
    [InlineData("CREATE SUBSCRIPTION s CONNECTION 'x' PUBLICATION p WITH (create_slot = true, connect)", "CREATE SUBSCRIPTION")]
    [InlineData("CREATE SUBSCRIPTION s CONNECTION 'connect=false' PUBLICATION p WITH (create_slot)", "CREATE SUBSCRIPTION")]
    [InlineData("DROP SUBSCRIPTION s", "DROP SUBSCRIPTION")]
    [InlineData("DROP SUBSCRIPTION IF EXISTS s CASCADE", "DROP SUBSCRIPTION")]
    [InlineData("ALTER SUBSCRIPTION s REFRESH PUBLICATION", "ALTER SUBSCRIPTION REFRESH PUBLICATION")]
    [InlineData("ALTER SUBSCRIPTION s REFRESH PUBLICATION WITH (copy_data = false)", "ALTER SUBSCRIPTION REFRESH PUBLICATION")]
    [InlineData("ALTER SUBSCRIPTION s SET PUBLICATION p", "ALTER SUBSCRIPTION SET PUBLICATION")]
    [InlineData("ALTER SUBSCRIPTION s ADD PUBLICATION p, q WITH (copy_data = false)", "ALTER SUBSCRIPTION ADD PUBLICATION")]
    [InlineData("ALTER SUBSCRIPTION s DROP PUBLICATION p WITH (refresh = true)", "ALTER SUBSCRIPTION DROP PUBLICATION")]
    [InlineData("ALTER SUBSCRIPTION s SET PUBLICATION p WITH (refresh)", "ALTER SUBSCRIPTION SET PUBLICATION")]
    // DISCARD ALL
    [InlineData("DISCARD ALL", "DISCARD ALL")]
    public void Detects_statements_that_cannot_run_in_a_transaction(string statement, string expected)
    {
        Assert.Equal(expected, NonTransactionalStatements.Detect(statement));
    }

    [Theory]
    [InlineData("")]
    [InlineData("SELECT 1")]
    [InlineData("CREATE INDEX i ON t (x)")]
    [InlineData("CREATE UNIQUE INDEX i ON t (x)")]
    [InlineData("CREATE INDEX concurrently_idx ON t(x)")]
    [InlineData("CREATE INDEX \"concurrently\" ON t(x)")]
    [InlineData("CREATE INDEX IF NOT EXISTS i ON t(x)")]
    [InlineData("CREATE INDEX i ON t(x) WHERE kind = 'CONCURRENTLY'")]
    [InlineData("CREATE TABLE t (concurrently_flag bool)")]
    [InlineData("DROP INDEX i")]
    [InlineData("DROP INDEX concurrently_idx")]
    [InlineData("DROP TABLE database")]
    [InlineData("REINDEX TABLE t")]
    [InlineData("REINDEX INDEX i")]
    [InlineData("REINDEX SCHEMA s")]
    [InlineData("REINDEX (VERBOSE) TABLE t")]
    [InlineData("REINDEX (CONCURRENTLY false) TABLE t")]
    [InlineData("REINDEX (CONCURRENTLY off, VERBOSE) INDEX i")]
    [InlineData("REINDEX (CONCURRENTLY 0) INDEX i")]
    [InlineData("INSERT INTO t VALUES ('VACUUM')")]
    [InlineData("SELECT 'CREATE INDEX CONCURRENTLY i ON t(x)'")]
    [InlineData("DO $$ BEGIN EXECUTE 'VACUUM'; END $$")]
    [InlineData("DO $x$ BEGIN VACUUM; END $x$")]
    [InlineData("CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $fn$ BEGIN PERFORM 1; -- VACUUM\n END $fn$")]
    [InlineData("SELECT 1 -- VACUUM")]
    [InlineData("SELECT /* VACUUM */ 1")]
    [InlineData("\"VACUUM\"")]
    [InlineData("ANALYZE t")]
    [InlineData("VACUUMX")]
    [InlineData("vacuum_settings")]
    [InlineData("CLUSTER")]
    [InlineData("CLUSTER t USING i")]
    [InlineData("REFRESH MATERIALIZED VIEW CONCURRENTLY mv")]
    [InlineData("COMMENT ON INDEX i IS 'CREATE INDEX CONCURRENTLY'")]
    [InlineData("ALTER TABLE t ADD COLUMN x int")]
    [InlineData("ALTER TABLE p DETACH PARTITION c")]
    [InlineData("ALTER TABLE p DETACH PARTITION c FINALIZE")]
    [InlineData("ALTER TABLE p DETACH PARTITION s.concurrently")]
    [InlineData("ALTER TABLE p ATTACH PARTITION c FOR VALUES IN ('CONCURRENTLY')")]
    [InlineData("ALTER TABLE concurrently_log ADD COLUMN x int")]
    [InlineData("ALTER DATABASE d SET search_path TO public")]
    [InlineData("ALTER DATABASE d SET default_tablespace = ts")]
    [InlineData("ALTER DATABASE d RENAME TO tablespace")]
    [InlineData("ALTER DATABASE d OWNER TO x")]
    [InlineData("ALTER SYSTEMS")]
    [InlineData("ALTER ROLE r SET search_path = 'VACUUM'")]
    [InlineData("CREATE TABLE database (x int)")]
    [InlineData("CREATE SCHEMA tablespace")]
    [InlineData("CREATE SUBSCRIPTION s CONNECTION 'x' PUBLICATION p WITH (connect = false)")]
    [InlineData("CREATE SUBSCRIPTION s CONNECTION 'x' PUBLICATION p WITH (enabled = false, create_slot = false, slot_name = NONE)")]
    [InlineData("CREATE SUBSCRIPTION s CONNECTION 'x' PUBLICATION p WITH (CREATE_SLOT = 'off')")]
    [InlineData("ALTER SUBSCRIPTION s SET PUBLICATION p WITH (refresh = false)")]
    [InlineData("ALTER SUBSCRIPTION s ADD PUBLICATION p WITH (copy_data = true, refresh = off)")]
    [InlineData("ALTER SUBSCRIPTION s ENABLE")]
    [InlineData("ALTER SUBSCRIPTION s SET (slot_name = NONE)")]
    [InlineData("ALTER SUBSCRIPTION s CONNECTION 'refresh publication'")]
    [InlineData("ALTER SUBSCRIPTION s OWNER TO x")]
    [InlineData("DISCARD PLANS")]
    [InlineData("DISCARD TEMP")]
    [InlineData("CREATE PUBLICATION p FOR ALL TABLES")]
    [InlineData("BEGIN")]
    [InlineData("COMMIT")]
    [InlineData("SELECT 'unterminated")]
    [InlineData("CREATE INDEX /* unterminated comment")]
    public void Does_not_detect_statements_that_can_run_in_a_transaction(string statement)
    {
        Assert.Null(NonTransactionalStatements.Detect(statement));
    }

    [Theory]
    [InlineData("BEGIN", "BEGIN")]
    [InlineData("begin transaction isolation level serializable", "BEGIN")]
    [InlineData("BEGIN WORK", "BEGIN")]
    [InlineData("START TRANSACTION", "START TRANSACTION")]
    [InlineData("start transaction read only", "START TRANSACTION")]
    [InlineData("COMMIT", "COMMIT")]
    [InlineData("COMMIT WORK", "COMMIT")]
    [InlineData("COMMIT AND CHAIN", "COMMIT")]
    [InlineData("END", "END")]
    [InlineData("END TRANSACTION", "END")]
    [InlineData("ROLLBACK", "ROLLBACK")]
    [InlineData("ROLLBACK WORK", "ROLLBACK")]
    [InlineData("ROLLBACK AND NO CHAIN", "ROLLBACK")]
    [InlineData("ABORT", "ABORT")]
    [InlineData("PREPARE TRANSACTION 'x'", "PREPARE TRANSACTION")]
    [InlineData("COMMIT PREPARED 'x'", "COMMIT PREPARED")]
    [InlineData("ROLLBACK PREPARED 'x'", "ROLLBACK PREPARED")]
    [InlineData("/* c */ COMMIT -- done", "COMMIT")]
    public void Detects_transaction_control(string statement, string expected)
    {
        Assert.Equal(expected, NonTransactionalStatements.DetectTransactionControl(statement));
    }

    [Theory]
    [InlineData("")]
    [InlineData("SELECT 1")]
    [InlineData("SAVEPOINT s")]
    [InlineData("RELEASE SAVEPOINT s")]
    [InlineData("RELEASE s")]
    [InlineData("ROLLBACK TO SAVEPOINT s")]
    [InlineData("ROLLBACK TO s")]
    [InlineData("ROLLBACK WORK TO SAVEPOINT s")]
    [InlineData("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE")]
    [InlineData("PREPARE stmt AS SELECT 1")]
    [InlineData("START")]
    [InlineData("DO $$ BEGIN COMMIT; END $$")]
    [InlineData("CREATE PROCEDURE p() LANGUAGE plpgsql AS $$ BEGIN COMMIT; END $$")]
    [InlineData("CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END")]
    [InlineData("SELECT 'BEGIN'")]
    [InlineData("COMMENT ON TABLE t IS 'COMMIT'")]
    [InlineData("BEGINNING")]
    [InlineData("\"BEGIN\"")]
    [InlineData("-- BEGIN\nSELECT 1")]
    [InlineData("VACUUM")]
    public void Does_not_detect_other_statements_as_transaction_control(string statement)
    {
        Assert.Null(NonTransactionalStatements.DetectTransactionControl(statement));
    }

    [Fact]
    public void Null_throws_ArgumentNullException()
    {
        Assert.Throws<ArgumentNullException>(() => NonTransactionalStatements.Detect(null!));
        Assert.Throws<ArgumentNullException>(() => NonTransactionalStatements.DetectTransactionControl(null!));
    }

    [Fact]
    public void Works_on_the_statements_of_a_split_script()
    {
        var script =
            "-- Transaction: none\n" +
            "-- VACUUM is mentioned in this comment only\n" +
            "CREATE TABLE t (id int, note text DEFAULT 'VACUUM; DROP DATABASE x');\n" +
            "/* index it */ CREATE UNIQUE INDEX /* online */ CONCURRENTLY t_id ON t (id);\n" +
            "DO $$ BEGIN EXECUTE 'VACUUM t'; COMMIT; END $$;\n" +
            "VACUUM (ANALYZE) t;\n" +
            "BEGIN;\n" +
            "COMMIT;\n";
        var statements = SqlStatementSplitter.Split(script).Statements;

        Assert.Equal(
            new string?[] { null, "CREATE INDEX CONCURRENTLY", null, "VACUUM", null, null },
            statements.Select(s => NonTransactionalStatements.Detect(s.Text)).ToArray());
        Assert.Equal(
            new string?[] { null, null, null, null, "BEGIN", "COMMIT" },
            statements.Select(s => NonTransactionalStatements.DetectTransactionControl(s.Text)).ToArray());
    }

    [Fact]
    public void Never_throws_on_junk()
    {
        var random = new Random(7);
        const string alphabet = "';\"$-/*()=, \nCREATEINDEXCONCURRENTLYREINDEXWITHconnectfalse";
        for (int n = 0; n < 5_000; n++)
        {
            var chars = new char[random.Next(0, 50)];
            for (int i = 0; i < chars.Length; i++)
            {
                chars[i] = alphabet[random.Next(alphabet.Length)];
            }

            var text = new string(chars);
            _ = NonTransactionalStatements.Detect(text);
            _ = NonTransactionalStatements.DetectTransactionControl(text);
            _ = NonTransactionalStatements.Detect("REINDEX (" + text);
            _ = NonTransactionalStatements.Detect("CREATE SUBSCRIPTION s WITH (" + text);
            _ = NonTransactionalStatements.Detect("ALTER SUBSCRIPTION s SET PUBLICATION p WITH (" + text);
        }
    }
}
