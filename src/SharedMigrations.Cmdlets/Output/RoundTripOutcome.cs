namespace SharedMigrations;

/// <summary>What the round trip of one migration found.</summary>
public enum RoundTripOutcome
{
    Passed,
    Failed,
    Irreversible,
}
