using Npgsql;
using SharedMigrations.Core.Schema;
using SharedMigrations.Tests.Support;

namespace SharedMigrations.Tests.Schema;

/// <summary>What the incremental readers' tests share: a snapshot connection as a round trip opens it, and one step of DDL
/// followed by an incremental read that must equal a full read.</summary>
internal static class SnapshotSteps
{
    /// <summary>A connection whose search path is <c>pg_catalog</c> alone, with generic plans (as the round trip's).</summary>
    public static async Task<NpgsqlConnection> OpenSnapshotConnectionAsync(TestDatabase db)
    {
        var snapshots = new NpgsqlConnection(db.ConnectionString);
        await snapshots.OpenAsync();
        await using var set = new NpgsqlCommand("SET search_path = pg_catalog; SET plan_cache_mode = force_generic_plan", snapshots);
        await set.ExecuteNonQueryAsync();
        return snapshots;
    }

    /// <summary>Runs step <paramref name="i"/> on <paramref name="ddl"/>; the reader's next snapshot must equal a full read.</summary>
    public static async Task<SchemaSnapshot> RunAndCompareAsync(
        NpgsqlConnection ddl, NpgsqlConnection snapshots, ISnapshotReader reader, SchemaQuery full, string[] steps, int i)
    {
        await using (var command = new NpgsqlCommand(steps[i], ddl))
        {
            await command.ExecuteNonQueryAsync();
        }

        var read = await reader.ReadAsync(snapshots, CancellationToken.None);
        var expected = await SchemaReader.ReadAsync(snapshots, full, CancellationToken.None);
        Assert.True(
            expected.Objects.SequenceEqual(read.Objects),
            $"after step {i} ({steps[i]}): " + string.Join("; ", SchemaComparer.Compare(expected, read)));
        Assert.Equal(expected.Fingerprint, read.Fingerprint);
        return expected;
    }
}
