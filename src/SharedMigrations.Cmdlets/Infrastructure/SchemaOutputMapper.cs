using Engine = SharedMigrations.Core.Schema;

namespace SharedMigrations.Infrastructure;

/// <summary>Copies the engine's schema results into the module's output types.</summary>
internal static class SchemaOutputMapper
{
    public static SchemaObject ToObject(Engine.SchemaObject o, string service, string path) => new()
    {
        Service = service,
        Schema = o.Schema,
        Kind = Enum.Parse<SchemaObjectKind>(o.Kind.ToString()),
        Name = o.Name,
        Table = o.Table,
        Definition = o.Definition,
        Path = path,
    };

    public static SchemaDifference ToDifference(Engine.SchemaDifference d, string service, string path) => new()
    {
        Service = service,
        Kind = Enum.Parse<SchemaObjectKind>(d.Kind.ToString()),
        Name = $"{d.Schema}.{d.Name}",
        Table = d.Table,
        Change = Enum.Parse<SchemaChange>(d.Change.ToString()),
        Expected = d.Expected,
        Actual = d.Actual,
        Path = path,
    };

    public static RoundTripResult ToRoundTrip(Engine.RoundTripResult r, string path) => new()
    {
        Service = r.Service,
        Version = r.Version,
        Name = r.Name,
        Result = Enum.Parse<RoundTripOutcome>(r.Result.ToString()),
        Stage = r.Stage is { } stage ? Enum.Parse<RoundTripStage>(stage.ToString()) : null,
        Differences = r.Differences.Select(d => ToDifference(d, r.Service, path)).ToArray(),
        Error = r.Error,
        File = r.FilePath,
        Line = r.Line,
        Duration = r.Duration,
        Path = path,
    };
}
