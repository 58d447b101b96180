namespace SharedMigrations.Core;

/// <summary>Severity of a finding about a migration file.</summary>
public enum DiagnosticSeverity
{
    Error,
    Warning,
    Information,
}

/// <summary>One finding about a migration file: a format error or a lint warning.</summary>
public sealed record MigrationDiagnostic(string FilePath, int? Line, DiagnosticSeverity Severity, string Rule, string Message)
{
    /// <summary>The file name without its folder.</summary>
    public string FileName => Path.GetFileName(FilePath);

    /// <summary>The 1-based column where the statement starts, when the finding is about a statement.</summary>
    public int? Column { get; init; }

    /// <summary>The start of the statement's text, on one line.</summary>
    public string? Statement { get; init; }

    /// <summary>The table the finding is about, as written.</summary>
    public string? Table { get; init; }

    /// <summary>The lock the statement takes on it: AccessExclusive, ShareRowExclusive, Share, ShareUpdateExclusive, ...</summary>
    public string? Lock { get; init; }

    /// <summary>The safe recipe.</summary>
    public string? Fix { get; init; }

    public override string ToString() => Line is { } line
        ? $"{FileName} line {line}: {Message}"
        : $"{FileName}: {Message}";
}

/// <summary>Migration files that break the format rules; nothing was run.</summary>
public sealed class MigrationFormatException : MigrationException
{
    public MigrationFormatException(string? service, IReadOnlyList<MigrationDiagnostic> errors)
        : base(BuildMessage(service, errors))
    {
        Errors = errors;
        Service = service;
    }

    /// <summary>Every format error found, in file order.</summary>
    public IReadOnlyList<MigrationDiagnostic> Errors { get; }

    public override string ErrorId => "MigrationFileInvalid";

    public override MigrationErrorKind Kind => MigrationErrorKind.InvalidData;

    public override string? FilePath => Errors.Count > 0 ? Errors[0].FilePath : null;

    public override int? Line => Errors.Count > 0 ? Errors[0].Line : null;

    private static string BuildMessage(string? service, IReadOnlyList<MigrationDiagnostic> errors)
    {
        var prefix = service is null ? string.Empty : service + ": ";
        if (errors.Count == 0)
        {
            return prefix + "invalid migration files.";
        }

        var text = prefix + errors[0];
        if (errors.Count > 1)
        {
            var more = string.Join("; ", errors.Skip(1).Take(4).Select(e => e.ToString()));
            text += $" (and {errors.Count - 1} more: {more}{(errors.Count > 5 ? "; ..." : string.Empty)})";
        }

        return text + " Nothing was run; fix the file and try again.";
    }
}

/// <summary>A config.yaml that cannot be used: bad YAML, a wrong type, a bad duration, an unset variable.</summary>
public sealed class ConfigurationException : MigrationException
{
    public ConfigurationException(string message, string? configPath = null, string? key = null, int? line = null, Exception? innerException = null)
        : base(message, innerException)
    {
        ConfigPath = configPath;
        Key = key;
        ConfigLine = line;
    }

    public string? ConfigPath { get; }

    /// <summary>The dotted key the error is about, for example <c>migration.lock_wait</c>.</summary>
    public string? Key { get; }

    public int? ConfigLine { get; }

    public override string ErrorId => "ConfigurationInvalid";

    public override MigrationErrorKind Kind => MigrationErrorKind.InvalidData;

    public override string? FilePath => ConfigPath;

    public override int? Line => ConfigLine;
}

/// <summary>A folder that is not a service folder, or a file or folder that does not exist.</summary>
public sealed class ServiceNotFoundException : MigrationException
{
    public ServiceNotFoundException(string message, string path)
        : base(message)
    {
        Path = path;
    }

    public string Path { get; }

    public override string ErrorId => "ServiceNotFound";

    public override MigrationErrorKind Kind => MigrationErrorKind.ObjectNotFound;
}

/// <summary>The database cannot be reached or refused the login.</summary>
public sealed class DatabaseConnectionException : MigrationException
{
    public DatabaseConnectionException(string message, bool authenticationFailed, string? sqlState = null, Exception? innerException = null)
        : base(message, innerException)
    {
        AuthenticationFailed = authenticationFailed;
        SqlState = sqlState;
    }

    public bool AuthenticationFailed { get; }

    public string? SqlState { get; }

    public override string ErrorId => AuthenticationFailed ? "DatabaseAuthenticationFailed" : "DatabaseUnreachable";

    public override MigrationErrorKind Kind => AuthenticationFailed ? MigrationErrorKind.AuthenticationError : MigrationErrorKind.ConnectionError;
}

/// <summary>The history table exists but was not made by SharedMigrations (for example golang-migrate's schema_migrations).</summary>
public sealed class HistoryTableIncompatibleException : MigrationException
{
    public HistoryTableIncompatibleException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    public override string ErrorId => "HistoryTableIncompatible";

    public override MigrationErrorKind Kind => MigrationErrorKind.InvalidData;
}

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

/// <summary>Another run held the database's run lock for longer than <c>migration.lock_wait</c>.</summary>
public sealed class RunLockTimeoutException : MigrationException
{
    public RunLockTimeoutException(string message, RunLockHolder? holder, TimeSpan waited)
        : base(message)
    {
        Holder = holder;
        Waited = waited;
    }

    public RunLockHolder? Holder { get; }

    public TimeSpan Waited { get; }

    public override string ErrorId => "RunLockTimeout";

    public override MigrationErrorKind Kind => MigrationErrorKind.ResourceBusy;
}

/// <summary>Why <c>up</c> refuses to start.</summary>
public enum RefusalReason
{
    Modified,
    Failed,
    OutOfOrder,
}

/// <summary>One migration that stops <c>up</c> from starting.</summary>
public sealed record MigrationRefusal(RefusalReason Reason, long Version, string Name, string? FilePath, string Message);

/// <summary><c>up</c> refused to start: a migration is Modified, Failed or out of order. Nothing was applied.</summary>
public sealed class MigrationRefusedException : MigrationException
{
    public MigrationRefusedException(string service, IReadOnlyList<MigrationRefusal> refusals)
        : base(BuildMessage(service, refusals))
    {
        Service = service;
        Refusals = refusals;
    }

    public IReadOnlyList<MigrationRefusal> Refusals { get; }

    public override string ErrorId => Refusals[0].Reason switch
    {
        RefusalReason.Failed => "FailedMigrationBlocksRun",
        RefusalReason.Modified => "ChecksumMismatch",
        _ => "OutOfOrderMigration",
    };

    public override MigrationErrorKind Kind => MigrationErrorKind.InvalidOperation;

    public override string? FilePath => Refusals[0].FilePath;

    private static string BuildMessage(string service, IReadOnlyList<MigrationRefusal> refusals) =>
        $"{service}: nothing was applied. " + string.Join(" ", refusals.Select(r => r.Message));
}

/// <summary>A rollback that rollback_safety forbids (an empty DOWN, a file changed since it was applied, no DOWN at all).</summary>
public sealed class RollbackRefusedException : MigrationException
{
    public RollbackRefusedException(string message, long version, string? filePath)
        : base(message)
    {
        Version = version;
        RefusedFile = filePath;
    }

    public long Version { get; }

    public string? RefusedFile { get; }

    public override string ErrorId => "RollbackRefused";

    public override MigrationErrorKind Kind => MigrationErrorKind.InvalidOperation;

    public override string? FilePath => RefusedFile;
}

/// <summary>A statement of a migration failed in PostgreSQL. The migration was rolled back (or, for Transaction: none, stopped part way).</summary>
public sealed class MigrationExecutionException : MigrationException
{
    public MigrationExecutionException(
        string message,
        long version,
        string migrationName,
        string? filePath,
        int? line,
        string? sqlState,
        string postgresMessage,
        MigrationDirection direction,
        Exception? innerException)
        : base(message, innerException)
    {
        Version = version;
        MigrationName = migrationName;
        MigrationFile = filePath;
        MigrationLine = line;
        SqlState = sqlState;
        PostgresMessage = postgresMessage;
        Direction = direction;
    }

    public long Version { get; }

    public string MigrationName { get; }

    public string? MigrationFile { get; }

    public int? MigrationLine { get; }

    /// <summary>PostgreSQL's SQLSTATE, for example 42P01 or 55P03.</summary>
    public string? SqlState { get; }

    /// <summary>PostgreSQL's own message.</summary>
    public string PostgresMessage { get; }

    public MigrationDirection Direction { get; }

    public override string? FilePath => MigrationFile;

    public override int? Line => MigrationLine;

    public override string ErrorId => SqlState switch
    {
        "55P03" => "MigrationLockTimeout",
        "57014" => "MigrationStatementTimeout",
        _ => "MigrationFailed",
    };

    public override MigrationErrorKind Kind => SqlState switch
    {
        "55P03" => MigrationErrorKind.ResourceBusy,
        "57014" => MigrationErrorKind.OperationTimeout,
        _ => MigrationErrorKind.InvalidOperation,
    };
}

/// <summary>A file for New-Migration cannot be written: an invalid name, an unknown template, a file that already exists.</summary>
public sealed class MigrationCreationException : MigrationException
{
    public MigrationCreationException(string message, string errorId, MigrationErrorKind kind)
        : base(message)
    {
        ErrorId = errorId;
        Kind = kind;
    }

    public override string ErrorId { get; }

    public override MigrationErrorKind Kind { get; }
}

/// <summary>What is wrong with a dependency between services.</summary>
public enum DependencyProblem
{
    /// <summary>Services require each other in a circle; nothing can run first.</summary>
    Cycle,

    /// <summary>A depends_on or Requires: names a service that is neither in the run nor a sibling folder.</summary>
    NotFound,

    /// <summary>The required service has not reached the required version (and -WaitForDependency, if given, ran out).</summary>
    NotSatisfied,

    /// <summary>The required service failed or was skipped in this run, so the work that depends on it was skipped.</summary>
    Failed,

    /// <summary>Rolling back would take a service below a version that another service's applied migration requires.</summary>
    RollbackBlocked,
}

/// <summary>A dependency between services (depends_on or -- Requires:) that stops work.</summary>
public sealed class DependencyException : MigrationException
{
    public DependencyException(string message, DependencyProblem problem, string? filePath = null, int? line = null)
        : base(message)
    {
        Problem = problem;
        DependencyFile = filePath;
        DependencyLine = line;
    }

    public DependencyProblem Problem { get; }

    public string? DependencyFile { get; }

    public int? DependencyLine { get; }

    public override string? FilePath => DependencyFile;

    public override int? Line => DependencyLine;

    public override string ErrorId => Problem switch
    {
        DependencyProblem.Cycle => "DependencyCycle",
        DependencyProblem.NotFound => "DependencyNotFound",
        DependencyProblem.NotSatisfied => "DependencyNotSatisfied",
        DependencyProblem.Failed => "DependencyFailed",
        _ => "RollbackBlockedByDependant",
    };

    public override MigrationErrorKind Kind => Problem switch
    {
        DependencyProblem.Cycle => MigrationErrorKind.InvalidData,
        DependencyProblem.NotFound => MigrationErrorKind.ObjectNotFound,
        DependencyProblem.NotSatisfied => MigrationErrorKind.ResourceUnavailable,
        DependencyProblem.Failed => MigrationErrorKind.OperationStopped,
        _ => MigrationErrorKind.InvalidOperation,
    };
}
