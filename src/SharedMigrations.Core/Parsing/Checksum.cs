using System.Security.Cryptography;
using System.Text;

namespace SharedMigrations.Core.Parsing;

/// <summary>
/// The checksum of a migration file: SHA-256 of its text with LF line endings and no BOM, written <c>sha256:&lt;hex&gt;</c>.
/// </summary>
internal static class Checksum
{
    public const string Prefix = "sha256:";

    /// <summary>The checksum of already normalised text (LF only, no BOM).</summary>
    public static string OfNormalizedText(string normalizedText)
    {
        var byteCount = Encoding.UTF8.GetByteCount(normalizedText);
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(byteCount);
        try
        {
            var written = Encoding.UTF8.GetBytes(normalizedText, 0, normalizedText.Length, buffer, 0);
            Span<byte> hash = stackalloc byte[32];
            SHA256.HashData(buffer.AsSpan(0, written), hash);
            return Prefix + Convert.ToHexString(hash).ToLowerInvariant();
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The checksum of any text: a leading BOM is dropped and CRLF / CR become LF first.</summary>
    public static string OfText(string text) => OfNormalizedText(Normalize(text));

    /// <summary>Drops a leading BOM and turns CRLF and lone CR into LF.</summary>
    public static string Normalize(string text)
    {
        if (text.Length > 0 && text[0] == '\uFEFF')
        {
            text = text.Substring(1);
        }

        return text.Contains('\r') ? text.Replace("\r\n", "\n").Replace('\r', '\n') : text;
    }

    /// <summary>
    /// Whether two stored checksums denote the same content. A checksum without an algorithm prefix is read as SHA-256 hex.
    /// </summary>
    public static bool AreEqual(string? stored, string current)
    {
        if (stored is null)
        {
            return false;
        }

        var a = stored.Contains(':') ? stored : Prefix + stored;
        return string.Equals(a, current, StringComparison.OrdinalIgnoreCase);
    }
}
