using Npgsql;
using SharedMigrations.Core.Configuration;
using SharedMigrations.Core.Schema;
using SharedMigrations.Tests.Support;

namespace SharedMigrations.Tests.Schema;

/// <summary>
/// The round trip's change log (event triggers on the scratch database) and the reader over it: after every change of a
/// long series of DDL, the logged read equals a full read of the same database; a read with nothing changed computes no
/// table and no object of no table; a change to one table computes that table alone.
/// </summary>
public class LoggedSchemaReaderTests
{
    // The stamps test's series, then what only the log must get right: a standalone DROP INDEX, an index built
    // concurrently (outside a transaction), DDL in a DO block, DDL under session_replication_role = replica, a partition
    // detached (the parent's command changes the child), a partitioned index, data changes and TRUNCATE (no change).
    private static readonly string[] Steps =
    [
        .. IncrementalSchemaReaderTests.Steps,
        "DROP INDEX shop.orders_customer_idx",
        "CREATE INDEX CONCURRENTLY quiet_note_idx ON public.quiet (note)",
        "DROP INDEX CONCURRENTLY public.quiet_note_idx",
        "DO $$ BEGIN EXECUTE 'CREATE TABLE public.made_in_do (id int UNIQUE)'; END $$",
        "SET session_replication_role = replica; ALTER TABLE public.made_in_do ADD COLUMN v text; SET session_replication_role = origin",
        "ALTER TABLE shop.happenings DETACH PARTITION shop.events_2026",
        "CREATE INDEX happenings_v_idx ON shop.happenings (v)",
        "ALTER TABLE shop.happenings ATTACH PARTITION shop.events_2026 FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')",
        "INSERT INTO public.quiet VALUES (1, 'x'); TRUNCATE public.made_in_do",
        "ALTER TABLE public.made_in_do RENAME TO made",
        "CREATE TABLE public.refers (id int REFERENCES public.made (id))",
        "ALTER TABLE public.made RENAME COLUMN id TO made_id",
        "DROP TABLE public.made CASCADE",
        "CREATE SEQUENCE public.free_numbers; CREATE TABLE public.numbered (n bigint DEFAULT nextval('public.free_numbers'))",
        "ALTER SEQUENCE public.free_numbers RENAME TO numbers",
        "CREATE SEQUENCE public.loose_seq",
        "ALTER SEQUENCE public.loose_seq OWNED BY public.numbered.n",
        "ALTER SEQUENCE public.loose_seq OWNED BY NONE",
        "CREATE FUNCTION public.def_val() RETURNS int LANGUAGE sql AS 'SELECT 1'; " +
            "CREATE TABLE public.with_def (v int DEFAULT public.def_val(), w int CHECK (w > public.def_val()))",
        "DROP FUNCTION public.def_val() CASCADE",
        "CREATE TYPE public.pair AS (a int, b int); CREATE TABLE public.pairs (p public.pair, ps public.pair[])",
        "ALTER TYPE public.pair RENAME TO couple",
        "CREATE TABLE public.row_holder (r public.quiet); ALTER TABLE public.quiet RENAME TO calm",
        // What a review found the first version missed: changes two dependencies away or down an inheritance tree.
        "CREATE SCHEMA rv; CREATE TABLE rv.src (id serial PRIMARY KEY); CREATE TABLE rv.shares (n int DEFAULT nextval('rv.src_id_seq'))",
        "ALTER TABLE rv.src SET SCHEMA public",
        "CREATE TABLE rv.ip (id int CONSTRAINT ip_id_check CHECK (id > 0)); CREATE TABLE rv.ic () INHERITS (rv.ip)",
        "ALTER TABLE rv.ip RENAME CONSTRAINT ip_id_check TO ip_positive",
        "ALTER TABLE shop.happenings ADD CONSTRAINT v_pos CHECK (v > 0)",
        "ALTER TABLE shop.happenings RENAME CONSTRAINT v_pos TO v_positive",
        "CREATE TABLE rv.gp (id int); CREATE TABLE rv.par () INHERITS (rv.gp); CREATE TABLE rv.kid () INHERITS (rv.par)",
        "ALTER TABLE rv.gp ADD COLUMN extra text",
        "ALTER TABLE rv.gp RENAME COLUMN extra TO more",
        "ALTER TABLE rv.gp ALTER COLUMN more SET DEFAULT 'x'",
        "ALTER TABLE rv.gp ALTER COLUMN id TYPE bigint",
        "CREATE TABLE rv.lvl (id int, g int, v int) PARTITION BY LIST (g); " +
            "CREATE TABLE rv.lvl_1 PARTITION OF rv.lvl FOR VALUES IN (1) PARTITION BY RANGE (id); " +
            "CREATE TABLE rv.lvl_1_a PARTITION OF rv.lvl_1 FOR VALUES FROM (0) TO (100)",
        "CREATE INDEX lvl_v_idx ON rv.lvl (v)",
        "CREATE FUNCTION rv.trg() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$; " +
            "CREATE TRIGGER lvl_trg AFTER INSERT ON rv.lvl FOR EACH ROW EXECUTE FUNCTION rv.trg()",
        "ALTER TRIGGER lvl_trg ON rv.lvl RENAME TO lvl_trigger",
        "DROP INDEX rv.lvl_v_idx",
        "CREATE TYPE rv.tt AS (a int, b int); CREATE TABLE rv.typed OF rv.tt PARTITION BY RANGE (a); " +
            "CREATE TABLE rv.typed_1 PARTITION OF rv.typed FOR VALUES FROM (0) TO (10)",
        "ALTER TYPE rv.tt ADD ATTRIBUTE c int CASCADE",
        "ALTER TYPE rv.tt RENAME ATTRIBUTE b TO bb CASCADE",
        "CREATE TYPE rv.kind AS ENUM ('a', 'b'); CREATE DOMAIN rv.kindd AS rv.kind; " +
            "CREATE TABLE rv.bykind (k rv.kindd) PARTITION BY LIST (k); " +
            "CREATE TABLE rv.bykind_a PARTITION OF rv.bykind FOR VALUES IN ('a')",
        "ALTER TYPE rv.kind RENAME VALUE 'a' TO 'aa'",
        "CREATE TABLE rv.toview (id int)",
        "CREATE RULE \"_RETURN\" AS ON SELECT TO rv.toview DO INSTEAD SELECT 1::int AS id",
        "DROP SCHEMA rv CASCADE",
        "CREATE EXTENSION IF NOT EXISTS pg_trgm",
        "DROP EXTENSION pg_trgm",
    ];

    [Fact]
    public async Task Every_logged_read_equals_a_full_read_and_only_changed_tables_are_read()
    {
        await using var db = await TestDatabase.CreateAsync("logged");
        await using var ddl = new NpgsqlConnection(db.ConnectionString);
        await ddl.OpenAsync();
        Assert.Null(await SchemaChangeLog.TryInstallAsync(ddl, CancellationToken.None));
        await using var snapshots = await SnapshotSteps.OpenSnapshotConnectionAsync(db);

        var table = HistoryTableName.Default;
        var full = new SchemaQuery(table, null, "public", logged: true);
        var reader = new LoggedSchemaReader(new SchemaQuery(table, null, "public", incremental: true, logged: true));
        var first = await reader.ReadAsync(snapshots, CancellationToken.None);
        Assert.DoesNotContain(first.Objects, o => o.Kind != SchemaObjectKind.Schema);
        Assert.DoesNotContain(first.Objects, o => o.Schema == SchemaChangeLog.Schema);
        var readAfterOneIndex = -1;
        for (var i = 0; i < Steps.Length; i++)
        {
            var expected = await SnapshotSteps.RunAndCompareAsync(ddl, snapshots, reader, full, Steps, i);
            if (Steps[i].StartsWith("CREATE INDEX orders_user_idx", StringComparison.Ordinal))
            {
                readAfterOneIndex = reader.LastRead;
                Assert.False(reader.LastReadLoose, "an index on a table changes no object of no table");
            }

            // Reading again without a change computes nothing again but the tables with a policy (its text names roles).
            var again = await reader.ReadAsync(snapshots, CancellationToken.None);
            Assert.Equal(expected.Fingerprint, again.Fingerprint);
            Assert.False(reader.LastReadLoose, $"after step {i}: a read with no change computed the objects of no table");
            var withPolicy = again.Objects.Where(o => o.Kind == SchemaObjectKind.Policy).Select(o => o.Table).Distinct().Count();
            Assert.Equal(withPolicy, reader.LastRead);
        }

        Assert.Equal(1, readAfterOneIndex);
    }

    [Fact]
    public async Task A_role_that_may_not_create_event_triggers_is_told_why_and_nothing_is_left()
    {
        await using var db = await TestDatabase.CreateAsync("logged-role");
        var role = "sm_nolog_" + Guid.NewGuid().ToString("N")[..8];
        await db.ExecuteAsync($"CREATE ROLE {role} LOGIN PASSWORD 'pw-{role}'; GRANT CREATE ON DATABASE \"{db.Name}\" TO {role}");
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(db.ConnectionString)
            {
                Username = role,
                Password = "pw-" + role,
                Pooling = false,
            };
            await using var connection = new NpgsqlConnection(builder.ConnectionString);
            await connection.OpenAsync();
            var refused = await SchemaChangeLog.TryInstallAsync(connection, CancellationToken.None);
            Assert.Equal("the role may not create event triggers (a superuser may)", refused);
            Assert.Equal(0L, await db.ScalarAsync<long>(
                $"SELECT count(*) FROM pg_namespace WHERE nspname = '{SchemaChangeLog.Schema}'"));
            Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM pg_event_trigger"));
        }
        finally
        {
            await db.ExecuteAsync($"REVOKE ALL ON DATABASE \"{db.Name}\" FROM {role}; DROP OWNED BY {role}; DROP ROLE {role}");
        }
    }
}
