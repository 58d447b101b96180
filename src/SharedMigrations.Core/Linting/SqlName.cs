using SharedMigrations.Core.Parsing;

namespace SharedMigrations.Core.Linting;

/// <summary>A possibly schema-qualified name: <see cref="Display"/> as written, <see cref="Key"/> the last part,
/// unquoted and lower-cased, for comparing.</summary>
internal readonly record struct SqlName(string Display, string Key)
{
    public bool Matches(SqlName other) => Key.Equals(other.Key, StringComparison.Ordinal);

    public override string ToString() => Display;
}
