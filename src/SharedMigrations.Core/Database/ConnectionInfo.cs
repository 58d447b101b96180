using System.Data.Common;
using Npgsql;
using SharedMigrations.Core.Configuration;

namespace SharedMigrations.Core.Database;

/// <summary>
/// A resolved connection. <see cref="ToString"/> and every public property are safe to print; the password is only inside the connection
/// string.
/// </summary>
internal sealed class ConnectionInfo
{
    internal ConnectionInfo(
        string connectionString,
        string host,
        int port,
        string? database,
        string? username,
        IReadOnlyList<string> secrets,
        int connectRetries)
    {
        ConnectionString = connectionString;
        Host = host;
        Port = port;
        Database = database;
        Username = username;
        Secrets = secrets;
        ConnectRetries = connectRetries;
    }

    /// <summary>The full connection string, password included. Never print it; use <see cref="ToString"/>.</summary>
    internal string ConnectionString { get; }

    public string Host { get; }

    public int Port { get; }

    public string? Database { get; }

    public string? Username { get; }

    /// <summary>How many more times a failed connection attempt is retried.</summary>
    public int ConnectRetries { get; }

    internal IReadOnlyList<string> Secrets { get; }

    /// <summary>Masks this connection's secrets in a text.</summary>
    public string Redact(string? text) => SecretRedactor.Redact(text, Secrets);

    public override string ToString() =>
        $"{Host}:{Port}/{Database ?? "(default database)"}{(Username is null ? string.Empty : " as " + Username)}";
}
