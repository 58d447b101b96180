using SharedMigrations.Core.Model;

namespace SharedMigrations.Core.Planning;

/// <summary>
/// One step a run is about to take; offered to <see cref="RunOptions.Approve"/> first, so a caller can confirm it or report it (WhatIf).
/// </summary>
public sealed class PlannedStep
{
    public required string Service { get; init; }

    public required PlannedStepKind Kind { get; init; }

    public long Version { get; init; }

    public string Name { get; init; } = string.Empty;

    public MigrationDirection Direction { get; init; }

    public string? FilePath { get; init; }

    public TransactionMode Transaction { get; init; }

    public int Statements { get; init; }

    /// <summary>Where it runs: host:port/database (never the password).</summary>
    public string? Server { get; init; }

    /// <summary>The migration file, for a migration going up.</summary>
    internal Migration? Migration { get; init; }

    /// <summary>A sentence saying exactly what will run, for -WhatIf and -Confirm.</summary>
    public required string Description { get; init; }

    public override string ToString() => Description;
}
