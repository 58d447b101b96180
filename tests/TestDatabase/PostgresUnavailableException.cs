namespace SharedMigrations.Testing;

/// <summary>
/// No PostgreSQL server could be obtained for the tests. The message explains how to provide one
/// and what each attempt (environment variable, Docker, local binaries) reported.
/// </summary>
public sealed class PostgresUnavailableException : Exception
{
    public PostgresUnavailableException(string message)
        : this(message, Array.Empty<string>())
    {
    }

    public PostgresUnavailableException(string message, IReadOnlyList<string> attempts, Exception? innerException = null)
        : base(message, innerException)
    {
        Attempts = attempts;
    }

    /// <summary>One line per attempt, e.g. "Docker: no engine answered at unix:///var/run/docker.sock".</summary>
    public IReadOnlyList<string> Attempts { get; }

    internal static PostgresUnavailableException NoneWorked(IReadOnlyList<string> attempts)
    {
        var message =
            "No PostgreSQL server is available for the tests. Provide one of:" + Environment.NewLine +
            $"  1. set {PostgresServer.ConnectionEnvironmentVariable} to an Npgsql connection string for a superuser, e.g."
                + Environment.NewLine +
            $"       export {PostgresServer.ConnectionEnvironmentVariable}=" +
                "'Host=127.0.0.1;Port=5432;Username=postgres;Password=...;Database=postgres'" + Environment.NewLine +
            "  2. install and start Docker (Testcontainers then runs " + ContainerServer.Image + "), or" + Environment.NewLine +
            "  3. install the PostgreSQL server binaries (initdb, pg_ctl), e.g. `apt-get install postgresql`;" + Environment.NewLine +
            "     they are looked up on PATH, via `pg_config --bindir` and in /usr/lib/postgresql/*/bin" + Environment.NewLine +
            $"     (or point {PostgresBinaries.BinDirEnvironmentVariable} at the bin directory)." + Environment.NewLine +
            "What was tried:" + Environment.NewLine +
            string.Join(Environment.NewLine, attempts.Select(a => "  - " + a.ReplaceLineEndings(Environment.NewLine + "      ")));
        return new PostgresUnavailableException(message, attempts);
    }
}
