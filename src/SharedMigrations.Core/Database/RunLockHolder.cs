namespace SharedMigrations.Core.Database;

/// <summary>Who holds the run lock of a database.</summary>
public sealed record RunLockHolder(int ProcessId, string? ApplicationName, string? ClientAddress, string? UserName, DateTimeOffset? Since)
{
    public override string ToString()
    {
        var parts = new List<string> { $"pid {ProcessId}" };
        if (!string.IsNullOrEmpty(ApplicationName))
        {
            parts.Add($"application '{ApplicationName}'");
        }

        if (!string.IsNullOrEmpty(UserName))
        {
            parts.Add($"user {UserName}");
        }

        parts.Add(string.IsNullOrEmpty(ClientAddress) ? "client local socket" : $"client {ClientAddress}");
        if (Since is { } since)
        {
            parts.Add($"since {since.ToUniversalTime():yyyy-MM-dd HH:mm:ss} UTC");
        }

        return string.Join(", ", parts);
    }
}
