using SharedMigrations.Core.Parsing;

namespace SharedMigrations.Core.Model;

/// <summary>A <c>-- Requires: service@version</c> header: this migration runs only after that service reached that version.</summary>
internal sealed record MigrationRequirement(string Service, long Version, int Line)
{
    public override string ToString() => $"{Service}@{Version}";
}
