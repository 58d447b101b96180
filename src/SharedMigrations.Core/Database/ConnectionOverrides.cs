using System.Data.Common;
using Npgsql;
using SharedMigrations.Core.Configuration;

namespace SharedMigrations.Core.Database;

/// <summary>What the caller gives on top of the config: an explicit connection string, or a credential.</summary>
public sealed class ConnectionOverrides
{
    public static readonly ConnectionOverrides None = new();

    /// <summary>A full connection string; its keys win over everything else.</summary>
    public string? ConnectionString { get; init; }

    /// <summary>A user name that replaces the config's (from a credential).</summary>
    public string? Username { get; init; }

    /// <summary>A password that replaces the config's (from a credential).</summary>
    public string? Password { get; init; }
}
