using System.Diagnostics;
using Npgsql;
using SharedMigrations.Core.Configuration;
using SharedMigrations.Core.Schema;
using SharedMigrations.Tests.Support;
using Xunit.Abstractions;

namespace SharedMigrations.Tests.Schema;

/// <summary>
/// A snapshot of a large schema (500 tables, 5,000 columns, 1,000 indexes, 200 functions): complete, identical to the server's fingerprint,
/// and its time reported (not asserted).
/// </summary>
public class SchemaScaleTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_large_schema_is_read_whole_in_one_query()
    {
        await using var db = await TestDatabase.CreateAsync("schema_scale");
        await db.ExecuteAsync("""
            DO $$
            BEGIN
              FOR t IN 1..500 LOOP
                EXECUTE format('CREATE TABLE t%s (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, c1 int NOT NULL DEFAULT 0,
                  c2 text, c3 numeric(12,2), c4 timestamptz DEFAULT now(), c5 boolean, c6 jsonb, c7 uuid, c8 varchar(80), c9 date)', t);
                EXECUTE format('CREATE INDEX t%s_c1 ON t%s (c1)', t, t);
                EXECUTE format('CREATE INDEX t%s_c2 ON t%s (lower(c2))', t, t);
              END LOOP;
              FOR f IN 1..200 LOOP
                EXECUTE format('CREATE FUNCTION f%s(a int) RETURNS int LANGUAGE sql IMMUTABLE AS ''SELECT a + %s''', f, f);
              END LOOP;
            END $$;
            """);
        await using var connection = new NpgsqlConnection(db.ConnectionString);
        await connection.OpenAsync();

        var first = await SchemaReader.ReadAsync(connection, HistoryTableName.Default);
        var times = new List<double>();
        SchemaSnapshot snapshot = first;
        for (var i = 0; i < 5; i++)
        {
            var watch = Stopwatch.StartNew();
            snapshot = await SchemaReader.ReadAsync(connection, HistoryTableName.Default);
            times.Add(watch.Elapsed.TotalMilliseconds);
        }

        var fingerprintWatch = Stopwatch.StartNew();
        var server = await SchemaReader.ReadFingerprintAsync(connection, HistoryTableName.Default);
        var fingerprintMs = fingerprintWatch.Elapsed.TotalMilliseconds;

        Assert.Equal(500, snapshot.Objects.Count(o => o.Kind == SchemaObjectKind.Table));
        Assert.Equal(5000, snapshot.Objects.Count(o => o.Kind == SchemaObjectKind.Column));
        Assert.Equal(1000, snapshot.Objects.Count(o => o.Kind == SchemaObjectKind.Index));
        Assert.Equal(200, snapshot.Objects.Count(o => o.Kind == SchemaObjectKind.Function));
        Assert.Equal(first.Fingerprint, snapshot.Fingerprint);
        Assert.Equal(snapshot.Fingerprint, server);
        times.Sort();
        output.WriteLine(
            $"FIGURE schema-snapshot: {snapshot.Objects.Count} objects (500 tables, 5,000 columns, 1,000 indexes, 200 functions), " +
            $"warm median {times[2]:0} ms (min {times[0]:0}, max {times[^1]:0}) over 5 reads; server-side fingerprint " +
                $"alone {fingerprintMs:0} ms");
    }

    [Fact]
    public async Task A_round_trip_of_300_migrations_is_reported_against_a_plain_up()
    {
        await using var db = await TestDatabase.CreateAsync("rt_scale");
        await using var plain = await TestDatabase.CreateAsync("rt_scale_up");
        using var folder = new ServiceFolder("scale");
        for (var i = 1; i <= 300; i++)
        {
            var table = $"t{(i + 2) / 3}";
            switch (i % 3)
            {
                case 1:
                    folder.Add(
                        $"{i:000}_create_{table}.sql",
                        $"CREATE TABLE {table} (id bigint PRIMARY KEY, name text);",
                        $"DROP TABLE {table};");
                    break;
                case 2:
                    folder.Add(
                        $"{i:000}_add_{table}_note.sql",
                        $"ALTER TABLE {table} ADD COLUMN note text;",
                        $"ALTER TABLE {table} DROP COLUMN note;");
                    break;
                default:
                    folder.Add($"{i:000}_index_{table}.sql", $"CREATE INDEX {table}_name ON {table} (name);", $"DROP INDEX {table}_name;");
                    break;
            }
        }

        var up = Stopwatch.StartNew();
        var run = await folder.Service(plain.ConnectionString).RunMigrationsAsync();
        up.Stop();
        var trip = Stopwatch.StartNew();
        var report = await folder.Service(db.ConnectionString).TestRoundTripAsync(new RoundTripOptions());
        trip.Stop();

        Assert.Equal(300, run.Results.Count);
        Assert.Equal(300, report.Results.Count(r => r.Result == RoundTripOutcome.Passed));
        output.WriteLine(
            $"FIGURE round-trip-300: plain up {up.Elapsed.TotalMilliseconds:0} ms, round trip {trip.Elapsed.TotalMilliseconds:0} ms " +
            $"({trip.Elapsed.TotalMilliseconds / up.Elapsed.TotalMilliseconds:0.0}x; 3 runs and 3 snapshots per migration, scratch " +
                $"database created and dropped)");
    }
}
