using SharedMigrations.Core.Model;
using SharedMigrations.Core.Parsing;

namespace SharedMigrations.Core.Planning;

/// <summary>One migration to roll back, and what it will run.</summary>
internal sealed class RollbackItem
{
    public required AppliedMigration Applied { get; init; }

    /// <summary>The file when it still exists.</summary>
    public Migration? File { get; init; }

    /// <summary>Whether the file changed since it was applied.</summary>
    public bool Modified { get; init; }

    /// <summary>True when the DOWN recorded at apply time must be used (the file is gone).</summary>
    public bool UsesRecordedDown => File is null;
}
