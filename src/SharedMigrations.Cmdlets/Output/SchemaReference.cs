namespace SharedMigrations;

/// <summary>What Compare-MigrationSchema compares the live schema with.</summary>
public enum SchemaReference
{
    /// <summary>The snapshot recorded at the end of the last run that changed something.</summary>
    Recorded,

    /// <summary>The schema file: migration.schema_file, else schema.sql in the service folder.</summary>
    File,
}
