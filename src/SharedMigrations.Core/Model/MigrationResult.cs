using SharedMigrations.Core.Configuration;
using SharedMigrations.Core.Errors;

namespace SharedMigrations.Core.Model;

/// <summary>The outcome of running one migration up or down.</summary>
public sealed class MigrationResult
{
    public required string Service { get; init; }

    public required long Version { get; init; }

    public required string Name { get; init; }

    public required MigrationDirection Direction { get; init; }

    public TimeSpan Duration { get; init; }

    public bool Succeeded { get; init; }

    /// <summary>The migration file, or null when it ran from the DOWN recorded in the history.</summary>
    public string? FilePath { get; init; }

    public TransactionMode Transaction { get; init; }

    /// <summary>How many statements ran (all of them when it succeeded).</summary>
    public int Statements { get; init; }

    /// <summary>The error when it failed.</summary>
    public MigrationException? Error { get; init; }

    public override string ToString() =>
        $"{Service} {Version}_{Name} {Direction} {(Succeeded ? "ok" : "failed")} in {Duration.TotalMilliseconds:0} ms";
}
