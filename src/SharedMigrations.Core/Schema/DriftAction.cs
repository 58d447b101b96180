namespace SharedMigrations.Core.Schema;

/// <summary>
/// What <c>Invoke-MigrationUp</c> does when the live schema differs from the snapshot the last run recorded (<c>migration.on_drift</c>).
/// </summary>
public enum DriftAction
{
    /// <summary>Writes a warning that names Compare-MigrationSchema, and goes on.</summary>
    Warn,

    /// <summary>Refuses to start: nothing is applied.</summary>
    Refuse,
}
