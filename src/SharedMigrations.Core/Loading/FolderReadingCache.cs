using System.Collections.Concurrent;
using SharedMigrations.Core.Model;

namespace SharedMigrations.Core.Loading;

/// <summary>
/// The process-wide cache of migrations folder readings, the one owner of the policy:
/// <list type="bullet">
/// <item>the key is the folder's full path (ordinal);</item>
/// <item>a reading is valid while the folder holds the same migration files with the same names, sizes and last write
/// times (<see cref="FolderFingerprint"/>): a file added, removed, resized or rewritten means a new reading;</item>
/// <item>at most <see cref="MaxFolders"/> folders are kept: storing a new folder beyond that drops another one, so a
/// long-lived process that reads many folders cannot grow without bound;</item>
/// <item>a reading is replaced as a whole (one <see cref="Reading"/> reference), so concurrent readers never see half of one.</item>
/// </list>
/// A folder is read again and again (the fleet plan then the run, every command of a warm session, every CI no-op):
/// the cache spares reading and checksumming every file each time.
/// </summary>
internal sealed class FolderReadingCache
{
    /// <summary>How many folders the cache keeps at most.</summary>
    internal const int MaxFolders = 1024;

    private readonly ConcurrentDictionary<string, Reading> _readings = new(StringComparer.Ordinal);

    /// <summary>The cache every <see cref="MigrationLoader"/> of this process asks.</summary>
    public static FolderReadingCache Shared { get; } = new();

    /// <summary>How many folders the cache holds now.</summary>
    public int Count => _readings.Count;

    /// <summary>The last reading of <paramref name="folder"/> when the folder still matches <paramref name="fingerprint"/>.</summary>
    public bool TryGet(
        string folder,
        FolderFingerprint fingerprint,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out MigrationSet? set)
    {
        if (_readings.TryGetValue(folder, out var last) && last.Fingerprint.Equals(fingerprint))
        {
            set = last.Set;
            return true;
        }

        set = null;
        return false;
    }

    /// <summary>
    /// Keeps <paramref name="set"/> as the reading of <paramref name="folder"/> taken when it matched <paramref name="fingerprint"/>.
    /// </summary>
    public void Store(string folder, FolderFingerprint fingerprint, MigrationSet set)
    {
        if (!_readings.ContainsKey(folder))
        {
            // Bounded: make room by dropping other folders (any: a dropped folder is only read again, never wrong).
            foreach (var other in _readings.Keys)
            {
                if (_readings.Count < MaxFolders)
                {
                    break;
                }

                _readings.TryRemove(other, out _);
            }
        }

        _readings[folder] = new Reading(fingerprint, set);
    }

    /// <summary>Forgets every reading, so the next load reads and checksums every file again.</summary>
    public void Clear() => _readings.Clear();
}
