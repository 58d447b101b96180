using Core = SharedMigrations.Core;

namespace SharedMigrations.Infrastructure;

/// <summary>Copies engine results into the module's own output types (the engine lives in a private load context).</summary>
internal static class OutputMapper
{
    public static ServiceInfo ToServiceInfo(Core.ServiceDefinition service, int migrationCount) => new()
    {
        Name = service.Name,
        Path = service.Path,
        ConfigPath = service.ConfigPath,
        MigrationsPath = service.MigrationsPath,
        Database = service.DatabaseName,
        DependsOn = service.DependsOn.ToArray(),
        MigrationCount = migrationCount,
    };

    public static MigrationStatus ToStatus(string service, string path, Core.MigrationStatusEntry entry) => new()
    {
        Service = service,
        Version = entry.Version,
        Name = entry.Name,
        State = Enum.Parse<MigrationState>(entry.State.ToString()),
        AppliedAt = entry.AppliedAt,
        ExecutionTime = entry.ExecutionTime,
        File = entry.FilePath,
        Detail = entry.Detail,
        Path = path,
    };

    public static ServiceStatus ToServiceStatus(Core.ServiceStatusReport report, string path) => new()
    {
        Service = report.Service,
        Database = report.Database,
        Server = report.Server,
        CurrentVersion = report.CurrentVersion,
        LatestVersion = report.LatestVersion,
        Pending = report.Pending,
        Problems = report.Problems.ToArray(),
        State = Enum.Parse<ServiceState>(report.State.ToString()),
        Reason = report.Reason,
        Path = path,
    };

    public static MigrationResult ToResult(Core.MigrationResult result, string path) => new()
    {
        Service = result.Service,
        Version = result.Version,
        Name = result.Name,
        Direction = Enum.Parse<MigrationDirection>(result.Direction.ToString()),
        Duration = result.Duration,
        Succeeded = result.Succeeded,
        File = result.FilePath,
        Error = result.Error?.Message,
        Path = path,
    };

    public static MigrationEvent ToEvent(Core.MigrationEvent e, string service, string path) => new()
    {
        Id = e.Id,
        Service = e.Service ?? service,
        Version = e.Version,
        Name = e.Name,
        Direction = Enum.Parse<MigrationDirection>(e.Direction.ToString()),
        Succeeded = e.Succeeded,
        StartedAt = e.StartedAt,
        Duration = e.Duration,
        DatabaseUser = e.DatabaseUser,
        Client = e.Client,
        Checksum = e.Checksum,
        Error = e.Error,
        SqlState = e.SqlState,
        Detail = e.Detail,
        Path = path,
    };

    public static MigrationDiagnostic ToDiagnostic(Core.MigrationDiagnostic d, string service, string path) => new()
    {
        Service = service,
        File = d.FilePath,
        Line = d.Line,
        Severity = Enum.Parse<DiagnosticSeverity>(d.Severity.ToString()),
        Rule = d.Rule,
        Message = d.Message,
        Column = d.Column,
        Statement = d.Statement,
        Table = d.Table,
        Lock = d.Lock,
        Fix = d.Fix,
        Path = path,
    };
}
