namespace SharedMigrations.Core.Schema;

/// <summary>Options of a round trip test.</summary>
public sealed class RoundTripOptions
{
    /// <summary>
    /// An empty database to test on (keys given here win over the service's connection: <c>Database=scratch</c> alone keeps its
    /// server and credentials). Null: a new database <c>&lt;database&gt;_rt_&lt;random&gt;</c> on the service's server, dropped at the end.
    /// </summary>
    public string? ScratchConnectionString { get; init; }

    /// <summary>Test the migrations up to this version (all when null).</summary>
    public long? Target { get; init; }

    /// <summary>Keep the created scratch database (with the UPs applied) instead of dropping it.</summary>
    public bool KeepDatabase { get; init; }

    /// <summary>Hears verbose lines, warnings and progress.</summary>
    public MigrationObserver? Observer { get; init; }

    /// <summary>Called with each migration's result as soon as it is known.</summary>
    public Action<RoundTripResult>? OnResult { get; init; }
}
