using Npgsql;
using SharedMigrations.Benchmarks.Harness;
using SharedMigrations.Core;
using SharedMigrations.Core.Loading;
using SharedMigrations.Core.Schema;

namespace SharedMigrations.Benchmarks;

/// <summary>
/// Verification before production: the snapshot of a large schema, and the round trip of a generated folder against a plain up.
/// </summary>
public sealed partial class Workloads
{
    public Row? Snapshot { get; private set; }

    public Row? RoundTrip { get; private set; }

    public Row? RoundTripUp { get; private set; }

    /// <summary>The objects of the last snapshot read (to show in the report).</summary>
    public int SnapshotObjects { get; private set; }

    // ------------------------------------------------------------------ snapshot of a large schema

    public async Task SnapshotAsync()
    {
        var tables = sizes.SnapshotTables;
        var functions = sizes.SnapshotFunctions;
        var workload = $"Schema snapshot of {tables:N0} tables, {tables * 10:N0} columns, {tables * 2:N0} indexes, {functions:N0} " +
            $"functions (engine, warm)";
        Snapshot = AddRow(workload, "SchemaReader.ReadAsync, one query on an open connection (engine, in-process)", RowKind.Ours);
        var fingerprint = AddRow(
            workload,
            "  SchemaReader.ReadFingerprintAsync: the fingerprint the server computes (no snapshot transferred)",
            RowKind.Part);
        var db = await database.CreateAsync("snap").ConfigureAwait(false);
        try
        {
            await using (var setup = new NpgsqlConnection(database.ConnectionString(db)))
            {
                await setup.OpenAsync().ConfigureAwait(false);
                await using var command = new NpgsqlCommand(LargeSchemaSql(tables, functions), setup) { CommandTimeout = 600 };
                await command.ExecuteNonQueryAsync().ConfigureAwait(false);
            }

            await using var connection = new NpgsqlConnection(database.ConnectionString(db));
            await connection.OpenAsync().ConfigureAwait(false);
            var expected = tables * 14 + functions + 1; // per table itself, 10 columns, its key, 2 indexes; the functions; the schema
            var entries = new List<Entry>
            {
                new()
                {
                    Row = Snapshot,
                    Run = async (_, _) =>
                    {
                        var snapshot = await SchemaReader.ReadAsync(connection).ConfigureAwait(false);
                        SnapshotObjects = snapshot.Objects.Count;
                        Expect(expected, snapshot.Objects.Count, "objects");
                        return Timing.Wall;
                    },
                    CountTrips = async p =>
                    {
                        await using var counted = new NpgsqlConnection(database.ConnectionString(db, p.Port));
                        await counted.OpenAsync().ConfigureAwait(false);
                        await SchemaReader.ReadAsync(counted).ConfigureAwait(false);
                        return await p.CountAsync(() => SchemaReader.ReadAsync(counted)).ConfigureAwait(false);
                    },
                },
                new()
                {
                    Row = fingerprint,
                    Run = async (_, _) =>
                    {
                        var text = await SchemaReader.ReadFingerprintAsync(connection).ConfigureAwait(false);
                        Expect(64, text.Length, "hex digits");
                        return Timing.Wall;
                    },
                },
            };

            // One warm-up read at least: the figure is the warm one (the first read of a connection also loads the catalog caches).
            await Runner.RunAsync(workload, entries, Math.Max(1, sizes.Warmup), sizes.SnapshotIterations, proxy).ConfigureAwait(false);
        }
        finally
        {
            await database.DropAsync(db).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The large schema: per table 10 columns (an identity key, defaults), its primary key and 2 more indexes; SQL functions.
    /// </summary>
    private static string LargeSchemaSql(int tables, int functions) => $$"""
        DO $$
        BEGIN
          FOR t IN 1..{{tables}} LOOP
            EXECUTE format('CREATE TABLE t%s (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, c1 int NOT NULL DEFAULT 0, c2 text, '
              'c3 numeric(12,2), c4 timestamptz DEFAULT now(), c5 boolean, c6 jsonb, c7 uuid, c8 varchar(80), c9 date)', t);
            EXECUTE format('CREATE INDEX t%s_c1 ON t%s (c1)', t, t);
            EXECUTE format('CREATE INDEX t%s_c2 ON t%s (lower(c2))', t, t);
          END LOOP;
          FOR f IN 1..{{functions}} LOOP
            EXECUTE format('CREATE FUNCTION f%s(a int) RETURNS int LANGUAGE sql IMMUTABLE AS ''SELECT a + %s''', f, f);
          END LOOP;
        END $$;
        """;

    // ------------------------------------------------------------------ round trip of a generated folder against a plain up

    public async Task RoundTripAsync()
    {
        var count = sizes.RoundTrip;
        var workload = $"Round trip of {count:N0} generated migrations (up, down, up again, 3 snapshots each) vs one plain up (engine, " +
            $"in-process)";
        var root = Path.Combine(work, "roundtrip");
        var corpus = Corpus.Write(Path.Combine(root, "corpus"), count, peers: false);
        var upFolder = corpus.ServiceFolder(Path.Combine(root, "up"), "bench");
        var tripFolder = corpus.ServiceFolder(Path.Combine(root, "trip"), "bench");
        RoundTripUp = AddRow(
            workload,
            "MigrationService.RunMigrationsAsync: the plain up of the folder on an empty database",
            RowKind.Floor);
        RoundTrip = AddRow(
            workload,
            "MigrationService.TestRoundTripAsync: scratch database created, every migration tested, dropped",
            RowKind.Ours);
        var entries = new List<Entry>
        {
            ApplyEntry(RoundTripUp, corpus, "rtup", upFolder, async (_, _) =>
            {
                Expect(count, await Contenders.EngineUpAsync(upFolder).ConfigureAwait(false), "applied");
                return Timing.Wall;
            }),
            new()
            {
                Row = RoundTrip,
                Setup = async () =>
                {
                    var db = await database.CreateAsync("rt").ConfigureAwait(false);
                    Corpus.Configure(tripFolder, "bench", database.Host, database.Port, database.Username, db);
                    return db;
                },
                Run = async (_, _) =>
                {
                    var report = await MigrationService.ForService(ServiceDiscovery.Open(tripFolder))
                        .TestRoundTripAsync(new RoundTripOptions()).ConfigureAwait(false);
                    Expect(count, report.Results.Count(r => r.Result == RoundTripOutcome.Passed), "passed");
                    return Timing.Wall;
                },
                Teardown = async state =>
                {
                    var db = (string)state!;
                    var tables = await database.CountBenchTablesAsync(db).ConfigureAwait(false);
                    await database.DropAsync(db).ConfigureAwait(false);
                    Expect(0, (int)tables, "tables in the service's own database (a round trip never changes it)");
                },
            },
        };
        await Runner.RunAsync(workload, entries, sizes.Warmup, sizes.RoundTripIterations, null).ConfigureAwait(false);
    }
}
