using System.Diagnostics;
using System.Globalization;
using Npgsql;
using SharedMigrations.Core.Configuration;
using SharedMigrations.Core.Model;
using SharedMigrations.Core.Parsing;

namespace SharedMigrations.Core.Database;

/// <summary>What one step of a run executes: a migration's UP, or a DOWN (from the file, or recorded at apply time).</summary>
internal sealed record ExecutionStep(
    long Version,
    string Name,
    string Checksum,
    MigrationScript Script,
    TransactionMode Transaction,
    string? FilePath,
    MigrationDirection Direction,
    Migration? Migration,
    int? UpStatements = null)
{
    public string DisplayName => FilePath is not null ? Path.GetFileName(FilePath) : $"{Version}_{Name} (DOWN recorded in the history)";
}
