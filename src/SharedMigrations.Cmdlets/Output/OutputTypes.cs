// Why the module has its own output types instead of writing the engine's objects:
// - the engine (SharedMigrations.Core) and its dependencies (Npgsql, YamlDotNet) are loaded into a private
//   AssemblyLoadContext (Infrastructure/ModuleInitializer.cs), so that another module's copy of Npgsql cannot clash with
//   ours; types from that context cannot be named by scripts ([SharedMigrations.Core...] does not resolve in the session)
//   and format.ps1xml views cannot be bound to them reliably;
// - these types are what users name (`[SharedMigrations.MigrationStatus]`, -is checks, Select-Object, the views in
//   SharedMigrations.format.ps1xml), so they are the module's contract and keep their namespace `SharedMigrations`
//   although the folder is Output/ (a deliberate exception to "namespaces follow folders");
// - they add what only the module knows (Path of the service folder, the service on every row).
// Infrastructure/OutputMapper.cs copies engine objects into them, enums by exhaustive switches (tested).
// They stay together in this one file on purpose: a small, flat contract read at a glance.

namespace SharedMigrations;

/// <summary>The state of one migration (see about_SharedMigrations).</summary>
public enum MigrationState
{
    Applied,
    Pending,
    OutOfOrder,
    Modified,
    Missing,
    Failed,
}

/// <summary>How a service stands as a whole.</summary>
public enum ServiceState
{
    UpToDate,
    Pending,
    Drifted,
    Unreachable,
}

/// <summary>Which way a migration ran.</summary>
public enum MigrationDirection
{
    Up,
    Down,
    Repair,
}

/// <summary>Severity of a Test-Migration finding.</summary>
public enum DiagnosticSeverity
{
    Error,
    Warning,
    Information,
}

/// <summary>A service folder, as Get-MigrationService finds it.</summary>
public sealed class ServiceInfo
{
    public string Name { get; init; } = string.Empty;

    /// <summary>The service folder.</summary>
    public string Path { get; init; } = string.Empty;

    public string? ConfigPath { get; init; }

    public string MigrationsPath { get; init; } = string.Empty;

    /// <summary>The database name from the config (null when only a connection string or PG* variables give it).</summary>
    public string? Database { get; init; }

    public string[] DependsOn { get; init; } = [];

    public int MigrationCount { get; init; }

    public override string ToString() => Name;
}

/// <summary>The state of one migration of one service.</summary>
public sealed class MigrationStatus
{
    public string Service { get; init; } = string.Empty;

    public long Version { get; init; }

    public string Name { get; init; } = string.Empty;

    public MigrationState State { get; init; }

    public DateTimeOffset? AppliedAt { get; init; }

    public TimeSpan? ExecutionTime { get; init; }

    /// <summary>The migration file (null when it is Missing).</summary>
    public string? File { get; init; }

    /// <summary>Why the state is what it is (for Modified, Missing, OutOfOrder and Failed).</summary>
    public string? Detail { get; init; }

    /// <summary>The service folder, so the object pipes into any other command.</summary>
    public string Path { get; init; } = string.Empty;

    public override string ToString() => $"{Service} {Version}_{Name} {State}";
}

/// <summary>One row per service: versions, pending count and problems.</summary>
public sealed class ServiceStatus
{
    public string Service { get; init; } = string.Empty;

    public string? Database { get; init; }

    /// <summary>host:port/database as user (never the password).</summary>
    public string? Server { get; init; }

    public long CurrentVersion { get; init; }

    public long LatestVersion { get; init; }

    public int Pending { get; init; }

    public string[] Problems { get; init; } = [];

    public ServiceState State { get; init; }

    /// <summary>For Unreachable: why.</summary>
    public string? Reason { get; init; }

    public string Path { get; init; } = string.Empty;

    public override string ToString() => $"{Service} {State}";
}

/// <summary>The outcome of one migration run up or down.</summary>
public sealed class MigrationResult
{
    public string Service { get; init; } = string.Empty;

    public long Version { get; init; }

    public string Name { get; init; } = string.Empty;

    public MigrationDirection Direction { get; init; }

    public TimeSpan Duration { get; init; }

    public bool Succeeded { get; init; }

    /// <summary>The migration file (null when a rollback used the DOWN recorded in the history).</summary>
    public string? File { get; init; }

    /// <summary>The error message when it failed.</summary>
    public string? Error { get; init; }

    public string Path { get; init; } = string.Empty;

    public override string ToString() => $"{Service} {Version}_{Name} {Direction} {(Succeeded ? "Succeeded" : "Failed")}";
}

/// <summary>One entry of a service's audit log.</summary>
public sealed class MigrationEvent
{
    public long Id { get; init; }

    public string Service { get; init; } = string.Empty;

    public long? Version { get; init; }

    public string? Name { get; init; }

    public MigrationDirection Direction { get; init; }

    public bool Succeeded { get; init; }

    public DateTimeOffset StartedAt { get; init; }

    public TimeSpan Duration { get; init; }

    /// <summary>The database role.</summary>
    public string? DatabaseUser { get; init; }

    /// <summary>The OS user and host that ran the tool.</summary>
    public string? Client { get; init; }

    public string? Checksum { get; init; }

    public string? Error { get; init; }

    public string? SqlState { get; init; }

    public string? Detail { get; init; }

    public string Path { get; init; } = string.Empty;

    public override string ToString() => $"{Service} {Version}_{Name} {Direction} {(Succeeded ? "Succeeded" : "Failed")} {StartedAt:u}";
}

/// <summary>A finding of Test-Migration: a format error or a lint warning, at a file and line.</summary>
public sealed class MigrationDiagnostic
{
    public string Service { get; init; } = string.Empty;

    public string File { get; init; } = string.Empty;

    public int? Line { get; init; }

    public DiagnosticSeverity Severity { get; init; }

    public string Rule { get; init; } = string.Empty;

    public string Message { get; init; } = string.Empty;

    /// <summary>The 1-based column where the statement starts.</summary>
    public int? Column { get; init; }

    /// <summary>The start of the statement's text, on one line.</summary>
    public string? Statement { get; init; }

    /// <summary>The table the finding is about.</summary>
    public string? Table { get; init; }

    /// <summary>The lock the statement takes on that table (AccessExclusive, ShareRowExclusive, Share, ...).</summary>
    public string? Lock { get; init; }

    /// <summary>The safe recipe.</summary>
    public string? Fix { get; init; }

    public string Path { get; init; } = string.Empty;

    public override string ToString() => Line is { } line
        ? $"{System.IO.Path.GetFileName(File)}:{line}: {Severity}: {Message}"
        : $"{System.IO.Path.GetFileName(File)}: {Severity}: {Message}";
}

/// <summary>Which CI system's annotations and step summary to write (see about_SharedMigrations, docs/ci.md).</summary>
public enum CIFormat
{
    /// <summary>Detect from the environment: GITHUB_ACTIONS=true or TF_BUILD=True; elsewhere nothing is printed.</summary>
    Auto,

    /// <summary>Never print CI annotations or summaries.</summary>
    None,

    /// <summary>GitHub Actions workflow commands and $GITHUB_STEP_SUMMARY.</summary>
    GitHubActions,

    /// <summary>Azure DevOps logging commands and an uploaded summary.</summary>
    AzureDevOps,
}
