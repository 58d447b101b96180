namespace SharedMigrations;

/// <summary>The stage where a round trip failed: Up, Down, Restore (the DOWN did not restore the schema), Reapply.</summary>
public enum RoundTripStage
{
    Up,
    Down,
    Restore,
    Reapply,
}
