using Npgsql;
using SharedMigrations.Core.Configuration;
using SharedMigrations.Core.Schema;
using SharedMigrations.Tests.Support;

namespace SharedMigrations.Tests.Schema;

/// <summary>
/// The round trip's incremental snapshots: after every change of a long series of DDL (renames of what other objects name,
/// dropped and re-added objects, a migration's own search_path), the incremental read equals a full read of the same
/// database, and tables that did not change are taken from what the reader kept.
/// </summary>
public class IncrementalSchemaReaderTests
{
    internal static readonly string[] Steps =
    [
        "CREATE SCHEMA app; CREATE TYPE app.mood AS ENUM ('sad', 'ok'); CREATE DOMAIN app.email AS text CHECK (VALUE LIKE '%@%')",
        "CREATE TABLE app.users (id bigint PRIMARY KEY, email app.email, mood app.mood, name text NOT NULL)",
        "CREATE TABLE app.orders (id serial PRIMARY KEY, user_id bigint REFERENCES app.users (id), total numeric CHECK (total >= 0))",
        "CREATE TABLE public.quiet (id int PRIMARY KEY, note text)",
        "CREATE INDEX orders_user_idx ON app.orders (user_id)",
        "ALTER TABLE app.users RENAME COLUMN id TO user_key",
        "ALTER TYPE app.mood RENAME TO feeling",
        "ALTER TYPE app.feeling ADD VALUE 'happy'",
        "ALTER DOMAIN app.email RENAME TO mail",
        "ALTER SEQUENCE app.orders_id_seq RENAME TO order_numbers",
        "ALTER TABLE app.users RENAME TO customers",
        "ALTER INDEX app.orders_user_idx RENAME TO orders_customer_idx",
        "CREATE FUNCTION app.positive(n numeric) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT n > 0'",
        "ALTER TABLE app.orders ADD CONSTRAINT total_positive CHECK (app.positive(total))",
        "CREATE INDEX orders_positive_idx ON app.orders (app.positive(total))",
        "ALTER FUNCTION app.positive(numeric) RENAME TO is_positive",
        "CREATE FUNCTION app.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$; " +
            "CREATE TRIGGER orders_touch BEFORE UPDATE OF total ON app.orders FOR EACH ROW EXECUTE FUNCTION app.touch()",
        "ALTER FUNCTION app.touch() RENAME TO touched",
        "ALTER TABLE app.orders RENAME COLUMN total TO amount",
        "CREATE VIEW app.big_orders AS SELECT id, amount FROM app.orders WHERE amount > 100",
        "ALTER TABLE app.orders RENAME COLUMN amount TO sum",
        "ALTER SCHEMA app RENAME TO shop",
        "ALTER TABLE shop.orders DROP COLUMN sum CASCADE",
        "ALTER TABLE shop.customers ALTER COLUMN name TYPE varchar(200)",
        "CREATE TABLE shop.events (at date NOT NULL, v int) PARTITION BY RANGE (at); " +
            "CREATE TABLE shop.events_2026 PARTITION OF shop.events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')",
        "ALTER TABLE shop.events RENAME TO happenings",
        "CREATE TABLE shop.base (id int); CREATE TABLE shop.child (extra int) INHERITS (shop.base)",
        "ALTER TABLE shop.base RENAME TO parent",
        "ALTER TABLE shop.customers ENABLE ROW LEVEL SECURITY; CREATE POLICY own ON shop.customers USING (user_key > 0)",
        "ALTER TABLE shop.orders DROP CONSTRAINT orders_user_id_fkey",
        "DROP TABLE public.quiet",
        "CREATE TABLE public.quiet (id int PRIMARY KEY, note text)",
        "CREATE SCHEMA postgres; CREATE TYPE postgres.feeling AS ENUM ('x'); SET search_path = shop, public",
        "CREATE TABLE plain (id int)",
        "ALTER TABLE shop.customers ALTER COLUMN mood SET DEFAULT 'happy'",
        "DROP SCHEMA postgres CASCADE",
    ];

    [Fact]
    public async Task Every_incremental_read_equals_a_full_read_and_unchanged_tables_are_reused()
    {
        await using var db = await TestDatabase.CreateAsync("incremental");
        await using var ddl = new NpgsqlConnection(db.ConnectionString);
        await ddl.OpenAsync();
        await using var snapshots = await SnapshotSteps.OpenSnapshotConnectionAsync(db);
        var table = HistoryTableName.Default;
        var full = new SchemaQuery(table, null, "public");
        var reader = new IncrementalSchemaReader(new SchemaQuery(table, null, "public", incremental: true));
        var reusedAfterUnrelatedChange = 0;
        for (var i = 0; i < Steps.Length; i++)
        {
            var expected = await SnapshotSteps.RunAndCompareAsync(ddl, snapshots, reader, full, Steps, i);

            // Reading again without a change computes no table again, but the one with a policy (its text names roles) and
            // the one whose foreign key references it.
            var again = await reader.ReadAsync(snapshots, CancellationToken.None);
            Assert.Equal(expected.Fingerprint, again.Fingerprint);
            Assert.InRange(reader.LastRead, 0, again.Objects.Any(o => o.Kind == SchemaObjectKind.Policy) ? 2 : 0);
            if (Steps[i].StartsWith("CREATE INDEX orders_user_idx", StringComparison.Ordinal))
            {
                reusedAfterUnrelatedChange = reader.LastReused;
            }
        }

        Assert.True(reusedAfterUnrelatedChange >= 2, $"tables reused after an index on another table: {reusedAfterUnrelatedChange}");
    }

    [Fact]
    public async Task Rows_of_the_history_tables_are_left_out_on_a_pg_catalog_connection_when_their_schema_is_given()
    {
        await using var db = await TestDatabase.CreateAsync("incremental-own");
        await db.ExecuteAsync(
            "CREATE TABLE schema_migrations (version bigint); CREATE TABLE schema_migrations_log (id int); CREATE TABLE kept (id int)");
        await using var snapshots = await SnapshotSteps.OpenSnapshotConnectionAsync(db);
        var reader = new IncrementalSchemaReader(new SchemaQuery(HistoryTableName.Default, null, "public", incremental: true));
        var snapshot = await reader.ReadAsync(snapshots, CancellationToken.None);

        Assert.Equal(["kept"], snapshot.Objects.Where(o => o.Kind == SchemaObjectKind.Table).Select(o => o.Name));
    }
}
