using System.Management.Automation;
using Engine = SharedMigrations.Core.Schema;
using SharedMigrations.Core.Ci;
using SharedMigrations.Core.Errors;
using SharedMigrations.Core.Fleet;
using SharedMigrations.Core;
using SharedMigrations.Infrastructure;

namespace SharedMigrations.Commands;

/// <summary>
/// Proves on a scratch database that every migration's DOWN undoes its UP (up, down, up again, compared by schema
/// snapshots). The service's own database is never changed; a created scratch database is dropped at the end.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "MigrationRoundTrip", DefaultParameterSetName = PathParameterSet)]
[OutputType(typeof(RoundTripResult))]
public sealed class TestMigrationRoundTripCommand : DatabaseCommandBase
{
    /// <summary>
    /// An empty database to test on; its keys win over the service's connection (Database=name alone keeps the server and credentials).
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ScratchConnectionString { get; set; }

    /// <summary>Test the migrations up to and including this version.</summary>
    [Parameter]
    [ValidateRange(1, long.MaxValue)]
    [ArgumentCompleter(typeof(MigrationVersionCompleter))]
    public long? Target { get; set; }

    /// <summary>Keep the created scratch database (with the UPs applied) and say its name, instead of dropping it.</summary>
    [Parameter]
    public SwitchParameter KeepDatabase { get; set; }

    /// <summary>How many services are tested at the same time.</summary>
    [Parameter]
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = MigrationFleet.DefaultThrottleLimit;

    protected override void ProcessServices(IReadOnlyList<string> folders)
    {
        var engines = folders.Select(f => (Folder: f, Engine: OpenEngine(f))).Where(x => x.Engine is not null).ToArray();
        if (ScratchConnectionString is not null && engines.Length > 1)
        {
            WriteError(new ErrorRecord(
                new PSArgumentException(
                    $"-ScratchConnectionString names one empty database, but {engines.Length} services were given and each needs " +
                    "its own; " +
                    "test one service at a time, or leave the parameter out so that each gets a database of its own."),
                "ScratchDatabaseShared",
                ErrorCategory.InvalidArgument,
                ScratchConnectionString));
            return;
        }

        RunOnWorker(async (bridge, token) =>
        {
            using var throttle = new SemaphoreSlim(ThrottleLimit);
            var id = 0;
            var tasks = engines.Select(async e =>
            {
                var (folder, engine) = (e.Folder, e.Engine!);
                await throttle.WaitAsync(token).ConfigureAwait(false);
                try
                {
                    var activityId = Interlocked.Increment(ref id);
                    var done = 0;
                    var total = engine.Loader.Analyze().Count;
                    await engine.TestRoundTripAsync(
                        new Engine.RoundTripOptions
                        {
                            ScratchConnectionString = ScratchConnectionString,
                            Target = Target,
                            KeepDatabase = KeepDatabase,
                            Observer = new CmdletObserver(this, bridge, folder, "Test-MigrationRoundTrip", activityId),
                            OnResult = result =>
                            {
                                var row = SchemaOutputMapper.ToRoundTrip(result, folder);
                                var count = Interlocked.Increment(ref done);
                                bridge.Post(() => Write(row, result, count, total, activityId));
                            },
                        },
                        token).ConfigureAwait(false);
                    bridge.Post(() => WriteProgress(new ProgressRecord(
                        activityId,
                        "Test-MigrationRoundTrip",
                        "done")
                    { RecordType = ProgressRecordType.Completed }));
                }
                catch (MigrationException ex)
                {
                    bridge.Post(() => WriteMigrationError(ex, folder));
                }
                catch (IOException ex)
                {
                    bridge.Post(() => WriteError(new ErrorRecord(ex, "MigrationFolderUnreadable", ErrorCategory.ReadError, folder)));
                }
                catch (Exception ex) when (ex is not OperationCanceledException && !token.IsCancellationRequested)
                {
                    // A lost server mid-test (the scratch database was dropped on the way out): this service's error, not the run's.
                    var message = $"{engine.ServiceName}: the round trip stopped: {ex.Message}";
                    bridge.Post(() => WriteError(new ErrorRecord(
                        new InvalidOperationException(message, ex),
                        "RoundTripError",
                        ErrorCategory.ConnectionError,
                        folder)));
                }
                finally
                {
                    throttle.Release();
                }
            }).ToArray();
            await Task.WhenAll(tasks).ConfigureAwait(false);
        });
    }

    private void Write(RoundTripResult row, Engine.RoundTripResult result, int done, int total, int activityId)
    {
        WriteProgress(new ProgressRecord(
            activityId,
            "Test-MigrationRoundTrip",
            $"{row.Service}: {row.Version}_{row.Name} {row.Result} ({done} of {total})")
        {
            PercentComplete = total == 0 ? 100 : Math.Min(100, done * 100 / total),
        });
        WriteObject(row);
        if (row.Result == RoundTripOutcome.Failed)
        {
            var error = new SchemaVerificationException(
                "RoundTripFailed",
                MigrationErrorKind.InvalidData,
                $"{row.Error} Fix the migration so that its DOWN undoes its UP and its UP runs again after it.",
                result.Exception,
                row.File,
                row.Line)
            { Service = row.Service };
            WriteAnnotation(new Annotation(AnnotationLevel.Error, error.Message, row.File, row.Line, $"RoundTripFailed ({row.Stage})"));
            WriteError(ErrorRecords.From(error, row));
        }
        else if (row.Result == RoundTripOutcome.Irreversible)
        {
            WriteAnnotation(new Annotation(
                AnnotationLevel.Warning,
                row.Error ?? $"{row.Service}: {row.Version}_{row.Name} is Irreversible.",
                row.File,
                row.Line,
                "RoundTripIrreversible"));
        }
    }
}
