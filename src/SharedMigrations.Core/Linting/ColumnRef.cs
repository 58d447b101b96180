using SharedMigrations.Core.Parsing;

namespace SharedMigrations.Core.Linting;

/// <summary>A column added or altered by ALTER TABLE.</summary>
internal readonly record struct ColumnRef(SqlName Table, SqlName Column);
