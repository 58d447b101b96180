using SharedMigrations.Core.Configuration;
using SharedMigrations.Core.Parsing;

namespace SharedMigrations.Core.Model;

/// <summary>One entry of the audit log: an up, down or repair, successful or not.</summary>
public sealed class MigrationEvent
{
    public long Id { get; init; }

    public string? Service { get; init; }

    public long? Version { get; init; }

    public string? Name { get; init; }

    public MigrationDirection Direction { get; init; }

    public bool Succeeded { get; init; }

    public DateTimeOffset StartedAt { get; init; }

    public TimeSpan Duration { get; init; }

    /// <summary>The database role.</summary>
    public string? DatabaseUser { get; init; }

    /// <summary>The OS user and host that ran the tool.</summary>
    public string? Client { get; init; }

    public string? Checksum { get; init; }

    public string? Error { get; init; }

    public string? SqlState { get; init; }

    /// <summary>What was done, for repairs (for example "checksum updated").</summary>
    public string? Detail { get; init; }
}
