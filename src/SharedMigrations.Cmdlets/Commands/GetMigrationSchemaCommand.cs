using System.Management.Automation;
using SharedMigrations.Core.Errors;
using SharedMigrations.Core;
using SharedMigrations.Infrastructure;

namespace SharedMigrations.Commands;

/// <summary>The schema of each service's database, read from its catalog in one round trip, as objects in a fixed order.</summary>
[Cmdlet(VerbsCommon.Get, "MigrationSchema", DefaultParameterSetName = PathParameterSet)]
[OutputType(typeof(SchemaObject))]
public sealed class GetMigrationSchemaCommand : DatabaseCommandBase
{
    protected override void ProcessServices(IReadOnlyList<string> folders)
    {
        var engines = folders.Select(f => (Folder: f, Engine: OpenEngine(f))).Where(x => x.Engine is not null).ToArray();
        RunOnWorker(async (bridge, token) =>
        {
            foreach (var (folder, engine) in engines)
            {
                try
                {
                    var snapshot = await engine!.GetSchemaAsync(token).ConfigureAwait(false);
                    var rows = snapshot.Objects.Select(o => SchemaOutputMapper.ToObject(o, engine.ServiceName, folder)).ToArray();
                    bridge.Post(() =>
                    {
                        WriteVerbose($"{engine.ServiceName}: {rows.Length} schema object(s), fingerprint sha256:{snapshot.Fingerprint}.");
                        WriteObject(rows, enumerateCollection: true);
                    });
                }
                catch (MigrationException ex)
                {
                    bridge.Post(() => WriteMigrationError(ex, folder));
                }
            }
        });
    }
}
