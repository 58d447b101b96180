using SharedMigrations.Core.Parsing;

namespace SharedMigrations.Core.Linting;

/// <summary>A CREATE INDEX statement.</summary>
internal sealed record IndexBuild(SqlName? Name, SqlName Table, bool Concurrently, bool Only);
