namespace SharedMigrations.Core.Configuration;

/// <summary>How New-Migration numbers new files.</summary>
public enum VersioningScheme
{
    /// <summary>The highest version plus one, zero-padded to the width in use (001, 002, …).</summary>
    Sequential,

    /// <summary>The current UTC time as yyyyMMddHHmmss.</summary>
    Timestamp,
}
