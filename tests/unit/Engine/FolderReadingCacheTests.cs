using SharedMigrations.Core.Loading;
using SharedMigrations.Core.Model;

namespace SharedMigrations.Tests.Engine;

public class FolderReadingCacheTests
{
    private static FolderFingerprint Fingerprint(params (string Name, long Length, long Ticks)[] files) => new(files);

    private static MigrationSet Set(string folder) => new(folder, Array.Empty<Migration>(), Array.Empty<MigrationDiagnostic>());

    [Fact]
    public void A_reading_is_reused_only_while_names_sizes_and_write_times_match()
    {
        var cache = new FolderReadingCache();
        var set = Set("/m");
        cache.Store("/m", Fingerprint(("001_a.sql", 10, 1)), set);

        Assert.True(cache.TryGet("/m", Fingerprint(("001_a.sql", 10, 1)), out var same));
        Assert.Same(set, same);
        Assert.False(cache.TryGet("/m", Fingerprint(("001_a.sql", 11, 1)), out _));
        Assert.False(cache.TryGet("/m", Fingerprint(("001_a.sql", 10, 2)), out _));
        Assert.False(cache.TryGet("/m", Fingerprint(("001_b.sql", 10, 1)), out _));
        Assert.False(cache.TryGet("/m", Fingerprint(("001_a.sql", 10, 1), ("002_b.sql", 1, 1)), out _));
        Assert.False(cache.TryGet("/M", Fingerprint(("001_a.sql", 10, 1)), out _));

        cache.Clear();
        Assert.False(cache.TryGet("/m", Fingerprint(("001_a.sql", 10, 1)), out _));
    }

    [Fact]
    public void The_cache_keeps_a_bounded_number_of_folders()
    {
        var cache = new FolderReadingCache();
        for (var i = 0; i < FolderReadingCache.MaxFolders + 10; i++)
        {
            cache.Store($"/m{i}", Fingerprint(), Set($"/m{i}"));
        }

        Assert.Equal(FolderReadingCache.MaxFolders, cache.Count);
        var last = $"/m{FolderReadingCache.MaxFolders + 9}";
        Assert.True(cache.TryGet(last, Fingerprint(), out _));

        // Storing a folder it holds already replaces its reading without dropping another one.
        cache.Store(last, Fingerprint(("001_a.sql", 1, 1)), Set(last));
        Assert.Equal(FolderReadingCache.MaxFolders, cache.Count);
    }
}
