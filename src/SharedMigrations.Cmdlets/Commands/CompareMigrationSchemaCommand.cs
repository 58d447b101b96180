using System.Management.Automation;
using SharedMigrations.Core.Ci;
using SharedMigrations.Core.Errors;
using SharedMigrations.Core;
using SharedMigrations.Infrastructure;

namespace SharedMigrations.Commands;

/// <summary>
/// Where the live schema differs from the snapshot the last run recorded, or from the schema file: one object per difference.
/// </summary>
[Cmdlet(VerbsData.Compare, "MigrationSchema", DefaultParameterSetName = PathParameterSet)]
[OutputType(typeof(SchemaDifference), typeof(bool))]
public sealed class CompareMigrationSchemaCommand : DatabaseCommandBase
{
    /// <summary>What to compare with: Recorded (the snapshot of the last run that changed something) or File (the schema file).</summary>
    [Parameter]
    public SchemaReference Reference { get; set; } = SchemaReference.Recorded;

    /// <summary>Return only $true (no difference in any service) or $false.</summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    protected override void ProcessServices(IReadOnlyList<string> folders)
    {
        var engines = folders.Select(f => (Folder: f, Engine: OpenEngine(f))).Where(x => x.Engine is not null).ToArray();
        var equal = engines.Length == folders.Count && !HadInputErrors;
        RunOnWorker(async (bridge, token) =>
        {
            foreach (var (folder, engine) in engines)
            {
                try
                {
                    var differences = await engine!.CompareSchemaAsync(Reference == SchemaReference.File, token).ConfigureAwait(false);
                    equal &= differences.Count == 0;
                    var rows = differences.Select(d => SchemaOutputMapper.ToDifference(d, engine.ServiceName, folder)).ToArray();
                    var file = Reference == SchemaReference.File ? engine.DefaultSchemaFilePath : null;
                    bridge.Post(() =>
                    {
                        foreach (var row in rows)
                        {
                            WriteAnnotation(new Annotation(
                                AnnotationLevel.Warning,
                                $"{row.Service}: {row.Kind} {row.Name}{(row.Table is null ? string.Empty : " on " + row.Table)} " +
                                    $"is {row.Change} " +
                                $"compared with the {(file is null ? "snapshot recorded by the last run" : "schema file")}: the schema " +
                                    $"changed outside the migrations.",
                                file,
                                null,
                                "SchemaDrift"));
                        }

                        if (!Quiet)
                        {
                            WriteObject(rows, enumerateCollection: true);
                        }
                    });
                }
                catch (MigrationException ex)
                {
                    equal = false;
                    bridge.Post(() => WriteMigrationError(ex, folder));
                }
            }
        });
        if (Quiet)
        {
            WriteObject(equal);
        }
    }
}
