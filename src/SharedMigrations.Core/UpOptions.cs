namespace SharedMigrations.Core;

/// <summary>Options of <c>up</c>.</summary>
public sealed class UpOptions : RunOptions
{
    /// <summary>Apply pending migrations up to and including this version.</summary>
    public long? Target { get; init; }

    /// <summary>Apply at most this many migrations.</summary>
    public int? Count { get; init; }

    /// <summary>Apply OutOfOrder migrations too (as migration.out_of_order: true does).</summary>
    public bool AllowOutOfOrder { get; init; }
}
