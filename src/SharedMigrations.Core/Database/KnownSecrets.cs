namespace SharedMigrations.Core.Database;

/// <summary>
/// Every secret (password) resolved for a connection in this process, so that text about a failure nothing of ours raised on
/// purpose (an exception from anywhere, with no service's redactor at hand) can still have them masked.
/// </summary>
internal static class KnownSecrets
{
    private static readonly object Gate = new();
    private static string[] _all = Array.Empty<string>();

    /// <summary>The secrets registered so far.</summary>
    public static IReadOnlyList<string> All => Volatile.Read(ref _all);

    /// <summary>Remembers <paramref name="secrets"/> (empty ones are skipped).</summary>
    public static void Register(IEnumerable<string?> secrets)
    {
        lock (Gate)
        {
            var added = _all.Concat(secrets.Where(s => !string.IsNullOrEmpty(s)).Select(s => s!)).Distinct(StringComparer.Ordinal)
                .OrderByDescending(s => s.Length).ToArray();
            if (added.Length != _all.Length)
            {
                Volatile.Write(ref _all, added);
            }
        }
    }
}
