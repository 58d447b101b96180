using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SharedMigrations.Core.Parsing;

namespace SharedMigrations.Core.Loading;

/// <summary>What a migrations folder held when it was read: every migration file's name, size and last write time.</summary>
internal sealed class FolderFingerprint(IReadOnlyList<(string Name, long Length, long Ticks)> files) : IEquatable<FolderFingerprint>
{
    private readonly IReadOnlyList<(string Name, long Length, long Ticks)> _files = files;

    public bool Equals(FolderFingerprint? other) => other is not null && _files.SequenceEqual(other._files);

    public override bool Equals(object? obj) => Equals(obj as FolderFingerprint);

    public override int GetHashCode() => _files.Count;
}
