using System.Management.Automation;
using SharedMigrations.Core;
using SharedMigrations.Core.Errors;
using SharedMigrations.Core.Model;
using SharedMigrations.Infrastructure;

namespace SharedMigrations.Commands;

/// <summary>The audit log of each service: every up, down and repair, with who, when, how long and whether it succeeded.</summary>
[Cmdlet(VerbsCommon.Get, "MigrationHistory", DefaultParameterSetName = PathParameterSet)]
[OutputType(typeof(MigrationEvent))]
public sealed class GetMigrationHistoryCommand : DatabaseCommandBase
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
                    var events = await engine!.GetHistoryAsync(token).ConfigureAwait(false);
                    var rows = events.Select(e => OutputMapper.ToEvent(e, engine.ServiceName, folder)).ToArray();
                    bridge.Post(() => WriteObject(rows, enumerateCollection: true));
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    var error = UnexpectedErrorException.From(engine!.ServiceName, ex);
                    bridge.Post(() => WriteMigrationError(error, folder));
                }
            }
        });
    }
}
