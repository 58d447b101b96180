namespace SharedMigrations.Core.Schema;

/// <summary>Where a round trip failed, in the order the stages run and are reported.</summary>
public enum RoundTripStage
{
    /// <summary>The UP failed on the scratch database.</summary>
    Up,

    /// <summary>The DOWN failed.</summary>
    Down,

    /// <summary>The DOWN ran but the schema is not what it was before the UP (S2 ≠ S0).</summary>
    Restore,

    /// <summary>The UP failed when run again after its DOWN, or gave another schema (S3 ≠ S1).</summary>
    Reapply,
}
