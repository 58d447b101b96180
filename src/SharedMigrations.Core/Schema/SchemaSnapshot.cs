using System.Security.Cryptography;
using System.Text;

namespace SharedMigrations.Core.Schema;

/// <summary>A database's schema as read in one round trip: its objects in canonical order, and their SHA-256 fingerprint.</summary>
public sealed class SchemaSnapshot
{
    public static readonly SchemaSnapshot Empty = new(Array.Empty<SchemaObject>());

    private string? _fingerprint;

    public SchemaSnapshot(IReadOnlyList<SchemaObject> objects)
    {
        ArgumentNullException.ThrowIfNull(objects);
        Objects = objects;
    }

    /// <summary>The objects: by schema, then kind, then name; columns and constraints right after their table.</summary>
    public IReadOnlyList<SchemaObject> Objects { get; }

    /// <summary>
    /// The lower-case hex SHA-256 of the objects' fingerprint lines, equal to the one the server computes (computed when
    /// first asked for: a round trip compares most snapshots object by object and never needs it).
    /// </summary>
    public string Fingerprint => _fingerprint ??= ComputeFingerprint(Objects);

    /// <summary>The number of tables (a quick way to tell whether a database is empty).</summary>
    public int TableCount => Objects.Count(o => o.Kind is SchemaObjectKind.Table);

    /// <summary>The fingerprint of objects in this order: SHA-256 of their fingerprint lines joined by newlines.</summary>
    public static string ComputeFingerprint(IEnumerable<SchemaObject> objects)
    {
        ArgumentNullException.ThrowIfNull(objects);

        // Hashed line by line through one reused buffer: the same bytes as the lines joined by newlines, without building
        // the whole text (a large schema's is about a megabyte) twice.
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[4096];
        var first = true;
        foreach (var o in objects)
        {
            var line = first ? o.FingerprintLine : "\n" + o.FingerprintLine;
            first = false;
            var length = Encoding.UTF8.GetMaxByteCount(line.Length);
            if (length > buffer.Length)
            {
                buffer = new byte[Math.Max(length, buffer.Length * 2)];
            }

            hash.AppendData(buffer, 0, Encoding.UTF8.GetBytes(line, buffer));
        }

        return Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant();
    }
}
