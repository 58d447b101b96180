using Core = SharedMigrations.Core;

namespace SharedMigrations.Infrastructure;

/// <summary>
/// Copies engine results into the module's own output types (the engine lives in a private load context; see
/// Output/OutputTypes.cs). Enums map by exhaustive switches: a value added to an engine enum and not here fails loudly
/// (tests/unit/Cmdlets/OutputMapperTests.cs checks every value), never by name through Enum.Parse.
/// </summary>
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

    public static MigrationStatus ToStatus(string service, string path, Core.Planning.MigrationStatusEntry entry) => new()
    {
        Service = service,
        Version = entry.Version,
        Name = entry.Name,
        State = Map(entry.State),
        AppliedAt = entry.AppliedAt,
        ExecutionTime = entry.ExecutionTime,
        File = entry.FilePath,
        Detail = entry.Detail,
        Path = path,
    };

    public static ServiceStatus ToServiceStatus(Core.Planning.ServiceStatusReport report, string path) => new()
    {
        Service = report.Service,
        Database = report.Database,
        Server = report.Server,
        CurrentVersion = report.CurrentVersion,
        LatestVersion = report.LatestVersion,
        Pending = report.Pending,
        Problems = report.Problems.ToArray(),
        State = Map(report.State),
        Reason = report.Reason,
        Path = path,
    };

    public static MigrationResult ToResult(Core.Model.MigrationResult result, string path) => new()
    {
        Service = result.Service,
        Version = result.Version,
        Name = result.Name,
        Direction = Map(result.Direction),
        Duration = result.Duration,
        Succeeded = result.Succeeded,
        File = result.FilePath,
        Error = result.Error?.Message,
        Path = path,
    };

    public static MigrationEvent ToEvent(Core.Model.MigrationEvent e, string service, string path) => new()
    {
        Id = e.Id,
        Service = e.Service ?? service,
        Version = e.Version,
        Name = e.Name,
        Direction = Map(e.Direction),
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

    public static MigrationDiagnostic ToDiagnostic(Core.Model.MigrationDiagnostic d, string service, string path) => new()
    {
        Service = service,
        File = d.FilePath,
        Line = d.Line,
        Severity = Map(d.Severity),
        Rule = d.Rule,
        Message = d.Message,
        Column = d.Column,
        Statement = d.Statement,
        Table = d.Table,
        Lock = d.Lock,
        Fix = d.Fix,
        Path = path,
    };

    public static MigrationState Map(Core.Planning.MigrationState state) => state switch
    {
        Core.Planning.MigrationState.Applied => MigrationState.Applied,
        Core.Planning.MigrationState.Pending => MigrationState.Pending,
        Core.Planning.MigrationState.OutOfOrder => MigrationState.OutOfOrder,
        Core.Planning.MigrationState.Modified => MigrationState.Modified,
        Core.Planning.MigrationState.Missing => MigrationState.Missing,
        Core.Planning.MigrationState.Failed => MigrationState.Failed,
        _ => throw Unmapped(state),
    };

    public static ServiceState Map(Core.Planning.ServiceState state) => state switch
    {
        Core.Planning.ServiceState.UpToDate => ServiceState.UpToDate,
        Core.Planning.ServiceState.Pending => ServiceState.Pending,
        Core.Planning.ServiceState.Drifted => ServiceState.Drifted,
        Core.Planning.ServiceState.Unreachable => ServiceState.Unreachable,
        _ => throw Unmapped(state),
    };

    public static MigrationDirection Map(Core.Model.MigrationDirection direction) => direction switch
    {
        Core.Model.MigrationDirection.Up => MigrationDirection.Up,
        Core.Model.MigrationDirection.Down => MigrationDirection.Down,
        Core.Model.MigrationDirection.Repair => MigrationDirection.Repair,
        _ => throw Unmapped(direction),
    };

    public static DiagnosticSeverity Map(Core.Model.DiagnosticSeverity severity) => severity switch
    {
        Core.Model.DiagnosticSeverity.Error => DiagnosticSeverity.Error,
        Core.Model.DiagnosticSeverity.Warning => DiagnosticSeverity.Warning,
        Core.Model.DiagnosticSeverity.Information => DiagnosticSeverity.Information,
        _ => throw Unmapped(severity),
    };

    /// <summary>The other way: the module's -CIFormat into the engine's.</summary>
    public static Core.Ci.CiFormat Map(CIFormat format) => format switch
    {
        CIFormat.Auto => Core.Ci.CiFormat.Auto,
        CIFormat.None => Core.Ci.CiFormat.None,
        CIFormat.GitHubActions => Core.Ci.CiFormat.GitHubActions,
        CIFormat.AzureDevOps => Core.Ci.CiFormat.AzureDevOps,
        _ => throw Unmapped(format),
    };

    private static ArgumentOutOfRangeException Unmapped<T>(T value)
        where T : struct, Enum =>
        new(nameof(value), value, $"{typeof(T).Name}.{value} has no counterpart in the module's output types; map it in OutputMapper.");
}
