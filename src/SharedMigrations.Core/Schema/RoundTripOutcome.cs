namespace SharedMigrations.Core.Schema;

/// <summary>What the round trip of one migration found.</summary>
public enum RoundTripOutcome
{
    /// <summary>UP, DOWN and UP again succeeded; the DOWN restored the schema and the UP ran again to the same schema.</summary>
    Passed,

    /// <summary>A stage failed (see <see cref="RoundTripStage"/>).</summary>
    Failed,

    /// <summary>The DOWN is empty: nothing undoes the UP. A warning, not a failure; the test goes on from after the UP.</summary>
    Irreversible,
}
