using Npgsql;
using SharedMigrations.Core.Configuration;
using SharedMigrations.Core.Schema;
using SharedMigrations.Tests.Support;

namespace SharedMigrations.Tests.Schema;

/// <summary>
/// Schema snapshots read from a real PostgreSQL: every kind, the order, definitions, exclusions, fingerprints, comparison.
/// </summary>
public class SchemaSnapshotTests
{
    private const string EveryKind = """
        CREATE SCHEMA app;
        CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public;
        CREATE TYPE app.mood AS ENUM ('sad', 'ok', 'happy');
        CREATE TYPE app.pair AS (x integer, y text);
        CREATE TYPE app.span AS RANGE (SUBTYPE = integer);
        CREATE DOMAIN app.email AS text NOT NULL CHECK (VALUE LIKE '%@%');
        CREATE SEQUENCE app.ticket_seq START 100 INCREMENT 5;
        CREATE TABLE app.users (
          id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
          email app.email,
          name text COLLATE "C" NOT NULL DEFAULT 'x',
          mood app.mood,
          serial_no serial,
          upper_name text GENERATED ALWAYS AS (upper(name)) STORED,
          CONSTRAINT users_email_key UNIQUE (email));
        CREATE TABLE app.orders (id int PRIMARY KEY, user_id bigint REFERENCES app.users (id), total numeric(10,2) CHECK (total >= 0));
        ALTER TABLE app.orders ENABLE ROW LEVEL SECURITY;
        CREATE UNLOGGED TABLE app.scratch (v int);
        CREATE TABLE app.events (at date NOT NULL, v int) PARTITION BY RANGE (at);
        CREATE TABLE app.events_2026 PARTITION OF app.events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
        CREATE INDEX users_name_idx ON app.users (lower(name));
        CREATE VIEW app.active_users AS SELECT id, name FROM app.users WHERE mood <> 'sad';
        CREATE MATERIALIZED VIEW app.order_totals AS SELECT user_id, sum(total) AS total FROM app.orders GROUP BY user_id;
        CREATE FUNCTION app.add(a integer, b integer) RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT a + b';
        CREATE PROCEDURE app.noop() LANGUAGE plpgsql AS $$ BEGIN END $$;
        CREATE AGGREGATE app.total_of(integer) (SFUNC = int4pl, STYPE = integer, INITCOND = '0');
        CREATE FUNCTION app.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
        CREATE TRIGGER orders_touch BEFORE UPDATE ON app.orders FOR EACH ROW EXECUTE FUNCTION app.touch();
        CREATE POLICY own_orders ON app.orders FOR SELECT TO PUBLIC USING (user_id > 0);
        """;

    [Fact]
    public async Task Every_kind_is_read_with_postgresql_definitions_in_canonical_order()
    {
        await using var db = await TestDatabase.CreateAsync("schema");
        await db.ExecuteAsync(EveryKind);

        var snapshot = await ReadAsync(db);
        var app = snapshot.Objects.Where(o => o.Schema == "app").ToArray();

        Assert.Equal(
            Enum.GetValues<SchemaObjectKind>().Where(k => k != SchemaObjectKind.Extension),
            app.Select(o => o.Kind).Distinct());
        Assert.Contains(snapshot.Objects, o => o is { Kind: SchemaObjectKind.Extension, Name: "pg_trgm", Schema: "public" });

        // Kinds in the listed order within a schema; columns and constraints right after their table.
        var kinds = app.Select(o => o.Kind is SchemaObjectKind.Column or SchemaObjectKind.Constraint ? SchemaObjectKind.Table : o.Kind)
            .ToArray();
        Assert.Equal(kinds.OrderBy(k => k), kinds);
        var users = Array.FindIndex(app, o => o is { Kind: SchemaObjectKind.Table, Name: "users" });
        Assert.Equal(
            ["id", "email", "name", "mood", "serial_no", "upper_name"],
            app.Skip(users + 1).TakeWhile(o => o.Kind == SchemaObjectKind.Column).Select(o => o.Name));
        Assert.Equal([1, 2, 3, 4, 5, 6], app.Where(o => o is { Kind: SchemaObjectKind.Column, Table: "users" }).Select(o => o.Position));

        string Def(SchemaObjectKind kind, string name, string? table = null) =>
            Assert.Single(app, o => o.Kind == kind && o.Name == name && (table is null || o.Table == table)).Definition;

        Assert.Equal("CREATE TYPE app.mood AS ENUM ('sad', 'ok', 'happy')", Def(SchemaObjectKind.Type, "mood"));
        Assert.Equal("CREATE TYPE app.pair AS (x integer, y text)", Def(SchemaObjectKind.Type, "pair"));
        Assert.StartsWith("CREATE TYPE app.span AS RANGE (SUBTYPE = integer", Def(SchemaObjectKind.Type, "span"));
        Assert.Equal(
            "CREATE DOMAIN app.email AS text NOT NULL CONSTRAINT email_check CHECK ((VALUE ~~ '%@%'::text))",
            Def(SchemaObjectKind.Domain, "email"));
        Assert.Contains("INCREMENT BY 5", Def(SchemaObjectKind.Sequence, "ticket_seq"));
        Assert.Equal("bigint NOT NULL GENERATED ALWAYS AS IDENTITY", Def(SchemaObjectKind.Column, "id", "users"));
        Assert.Equal("text COLLATE \"C\" NOT NULL DEFAULT 'x'::text", Def(SchemaObjectKind.Column, "name", "users"));
        Assert.Equal("text GENERATED ALWAYS AS (upper(name)) STORED", Def(SchemaObjectKind.Column, "upper_name", "users"));
        Assert.Contains("nextval(", Def(SchemaObjectKind.Column, "serial_no", "users"));
        Assert.Equal("UNIQUE (email)", Def(SchemaObjectKind.Constraint, "users_email_key"));
        Assert.Equal("FOREIGN KEY (user_id) REFERENCES app.users(id)", Def(SchemaObjectKind.Constraint, "orders_user_id_fkey"));
        Assert.Equal("CREATE INDEX users_name_idx ON app.users USING btree (lower(name))", Def(SchemaObjectKind.Index, "users_name_idx"));
        Assert.Contains("ROW LEVEL SECURITY ENABLED", Def(SchemaObjectKind.Table, "orders"));
        Assert.StartsWith("CREATE UNLOGGED TABLE app.scratch", Def(SchemaObjectKind.Table, "scratch"));
        Assert.Contains("PARTITION BY RANGE (at)", Def(SchemaObjectKind.Table, "events"));
        Assert.Contains(
            "PARTITION OF app.events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')",
            Def(SchemaObjectKind.Table, "events_2026"));
        Assert.StartsWith("CREATE VIEW app.active_users AS", Def(SchemaObjectKind.View, "active_users"));
        Assert.StartsWith("CREATE MATERIALIZED VIEW app.order_totals AS", Def(SchemaObjectKind.MaterializedView, "order_totals"));
        Assert.StartsWith(
            "CREATE OR REPLACE FUNCTION app.add(a integer, b integer)",
            Def(SchemaObjectKind.Function, "add(a integer, b integer)"));
        Assert.StartsWith("CREATE OR REPLACE PROCEDURE app.noop()", Def(SchemaObjectKind.Function, "noop()"));
        Assert.Contains("SFUNC = int4pl", Def(SchemaObjectKind.Function, "total_of(integer)"));
        Assert.StartsWith("CREATE TRIGGER orders_touch BEFORE UPDATE ON app.orders", Def(SchemaObjectKind.Trigger, "orders_touch"));
        Assert.Equal(
            "CREATE POLICY own_orders ON app.orders AS PERMISSIVE FOR SELECT TO PUBLIC USING ((user_id > 0))",
            Def(SchemaObjectKind.Policy, "own_orders"));

        // Left out: identity/serial sequences (their column stands for them), row and array types, the constraint-backed
        // indexes, extension members (pg_trgm's functions), system schemas.
        Assert.DoesNotContain(
            snapshot.Objects,
            o => o.Name is "users_id_seq" or "users_serial_no_seq" or "_mood" or "users" && o.Kind == SchemaObjectKind.Type);
        Assert.DoesNotContain(snapshot.Objects, o => o.Kind == SchemaObjectKind.Sequence && o.Name != "ticket_seq");
        Assert.DoesNotContain(snapshot.Objects, o => o.Kind == SchemaObjectKind.Index && o.Name == "users_pkey");
        Assert.DoesNotContain(
            snapshot.Objects,
            o => o.Kind == SchemaObjectKind.Function && o.Name.StartsWith("similarity", StringComparison.Ordinal));
        Assert.DoesNotContain(snapshot.Objects, o => o.Schema is "pg_catalog" or "information_schema" or "pg_toast");
        Assert.DoesNotContain(snapshot.Objects, o => o.Name.Contains("plpgsql", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_same_database_gives_the_same_text_and_the_server_computes_the_same_fingerprint()
    {
        await using var db = await TestDatabase.CreateAsync("schema");
        await db.ExecuteAsync(EveryKind);

        var first = await ReadAsync(db);
        var second = await ReadAsync(db);
        await using var connection = new NpgsqlConnection(db.ConnectionString);
        await connection.OpenAsync();
        var server = await SchemaReader.ReadFingerprintAsync(connection, HistoryTableName.Default);

        Assert.Equal(SchemaTextWriter.Write(first, "svc"), SchemaTextWriter.Write(second, "svc"));
        Assert.Equal(first.Fingerprint, server);
        Assert.Matches("^[0-9a-f]{64}$", server);

        // The text file reads back into the same objects.
        var back = SchemaTextReader.Read(SchemaTextWriter.Write(first, "svc"), "schema.sql");
        Assert.Equal(first.Objects, back.Objects);
        Assert.Equal(first.Fingerprint, back.Fingerprint);
        Assert.Empty(SchemaComparer.Compare(first, back));
    }

    [Fact]
    public async Task The_services_own_tables_are_left_out_and_schemas_filter()
    {
        await using var db = await TestDatabase.CreateAsync("schema");
        await db.ExecuteAsync("""
            CREATE SCHEMA ops; CREATE SCHEMA other;
            CREATE TABLE ops.history (id int); CREATE TABLE ops.history_log (id int); CREATE TABLE ops.history_schema (id int);
            CREATE TABLE ops.kept (id int); CREATE TABLE other.t (id int);
            """);
        HistoryTableName.TryParse("ops.history", out var table, out _);
        await using var connection = new NpgsqlConnection(db.ConnectionString);
        await connection.OpenAsync();

        var all = await SchemaReader.ReadAsync(connection, table);
        var ops = await SchemaReader.ReadAsync(connection, table, ["ops"]);

        Assert.Equal(["kept", "t"], all.Objects.Where(o => o.Kind == SchemaObjectKind.Table).Select(o => o.Name));
        Assert.Equal(["ops"], ops.Objects.Select(o => o.Schema).Distinct());
        Assert.Equal(["kept"], ops.Objects.Where(o => o.Kind == SchemaObjectKind.Table).Select(o => o.Name));
    }

    [Fact]
    public async Task Column_order_is_relative_so_a_dropped_and_re_added_column_reads_as_moved()
    {
        await using var a = await TestDatabase.CreateAsync("schema");
        await using var b = await TestDatabase.CreateAsync("schema");
        await a.ExecuteAsync("CREATE TABLE t (x int, gone int, y text, z text); ALTER TABLE t DROP COLUMN gone;");
        await b.ExecuteAsync("CREATE TABLE t (x int, y text, z text);");

        var left = await ReadAsync(a);
        var right = await ReadAsync(b);
        Assert.Empty(SchemaComparer.Compare(left, right));
        Assert.Equal(left.Fingerprint, right.Fingerprint);

        await b.ExecuteAsync("ALTER TABLE t DROP COLUMN y; ALTER TABLE t ADD COLUMN y text;");
        var moved = SchemaComparer.Compare(left, await ReadAsync(b));
        // In the actual table's order: x, z, y.
        Assert.Equal(["z Changed", "y Changed"], moved.Select(d => $"{d.Name} {d.Change}"));
        Assert.Equal("text (column 2 of 3)", moved[1].Expected);
        Assert.Equal("text (column 3 of 3)", moved[1].Actual);
    }

    [Fact]
    public async Task Comparison_reports_added_removed_and_changed_objects()
    {
        await using var db = await TestDatabase.CreateAsync("schema");
        await db.ExecuteAsync("""
            CREATE TABLE t (id int PRIMARY KEY, v int CONSTRAINT v_positive CHECK (v > 0));
            CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1';
            """);
        var before = await ReadAsync(db);
        await db.ExecuteAsync("""
            CREATE INDEX t_v_idx ON t (v);
            ALTER TABLE t DROP CONSTRAINT v_positive;
            ALTER TABLE t ALTER COLUMN v TYPE bigint;
            CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 2';
            """);
        var after = await ReadAsync(db);

        var differences = SchemaComparer.Compare(before, after);

        Assert.Equal(
            ["Column v Changed", "Index t_v_idx Added", "Function f() Changed", "Constraint v_positive Removed"],
            differences.Select(d => $"{d.Kind} {d.Name} {d.Change}"));
        var column = differences[0];
        Assert.Equal(("integer (column 2 of 2)", "bigint (column 2 of 2)"), (column.Expected, column.Actual));
        Assert.Null(differences[1].Expected);
        Assert.Equal("CREATE INDEX t_v_idx ON public.t USING btree (v)", differences[1].Actual);
        Assert.Contains("SELECT 2", differences[2].Actual);
        Assert.Null(differences[3].Actual);
        Assert.Equal("t", differences[3].Table);
        Assert.Empty(SchemaComparer.Compare(after, after));
    }

    private static async Task<SchemaSnapshot> ReadAsync(TestDatabase db)
    {
        await using var connection = new NpgsqlConnection(db.ConnectionString);
        await connection.OpenAsync();
        return await SchemaReader.ReadAsync(connection, HistoryTableName.Default);
    }
}
