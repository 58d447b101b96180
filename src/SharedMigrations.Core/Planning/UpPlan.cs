using SharedMigrations.Core.Errors;
using SharedMigrations.Core.Model;
using SharedMigrations.Core.Parsing;

namespace SharedMigrations.Core.Planning;

/// <summary>What <c>up</c> would do: the migrations to apply, or why it refuses.</summary>
internal sealed class UpPlan
{
    public required IReadOnlyList<Migration> Migrations { get; init; }

    public required IReadOnlyList<MigrationRefusal> Refusals { get; init; }

    public required IReadOnlyList<MigrationStatusEntry> Entries { get; init; }
}
