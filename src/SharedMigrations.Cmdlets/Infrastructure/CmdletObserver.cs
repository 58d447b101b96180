using System.Management.Automation;
using SharedMigrations.Core;
using SharedMigrations.Core.Database;
using SharedMigrations.Core.Errors;
using SharedMigrations.Core.Planning;

namespace SharedMigrations.Infrastructure;

/// <summary>
/// Turns what the engine reports on worker threads into verbose lines, warnings, progress and result objects written on the pipeline
/// thread.
/// </summary>
internal sealed class CmdletObserver : MigrationObserver
{
    private readonly ServiceCommandBase _cmdlet;
    private readonly PipelineBridge _bridge;
    private readonly string _servicePath;
    private readonly string _activity;
    private readonly int _activityId;
    private readonly int _parentActivityId;

    public CmdletObserver(
        ServiceCommandBase cmdlet,
        PipelineBridge bridge,
        string servicePath,
        string activity,
        int activityId,
        int parentActivityId = -1)
    {
        _cmdlet = cmdlet;
        _bridge = bridge;
        _servicePath = servicePath;
        _activity = activity;
        _activityId = activityId;
        _parentActivityId = parentActivityId;
    }

    public override void OnVerbose(string service, string message) =>
        _bridge.Post(() => _cmdlet.WriteVerbose($"{service}: {message}"));

    public override void OnWarning(string service, string message) =>
        _bridge.Post(() =>
        {
            _cmdlet.WriteWarning($"{service}: {message}");
            _cmdlet.WriteAnnotation(new Core.Ci.Annotation(Core.Ci.AnnotationLevel.Warning, $"{service}: {message}"));
        });

    public override void OnLockWaiting(string service, RunLockHolder? holder) =>
        _bridge.Post(() => _cmdlet.WriteWarning(
            $"{service}: another run holds the migration lock of this database ({holder?.ToString() ?? "the holder just left"}); waiting " +
                $"for it (migration.lock_wait)."));

    public override void OnStepStarting(PlannedStep step, int index, int count)
    {
        Core.Diagnostics.FaultInjection.At(Core.Diagnostics.FaultPoint.Observer, step.Service);
        _bridge.Post(() => _cmdlet.WriteProgress(new ProgressRecord(
            _activityId,
            _activity,
            $"{step.Service}: {(step.Direction == Core.Model.MigrationDirection.Down ? "rolling back" : "applying")} " +
            $"{step.Version}_{step.Name} ({index + 1} of {count})")
        {
            PercentComplete = count == 0 ? 0 : Math.Min(100, index * 100 / count),
            ParentActivityId = _parentActivityId,
        }));
    }

    public override void OnStepCompleted(Core.Model.MigrationResult result, int index, int count)
    {
        var output = OutputMapper.ToResult(result, _servicePath);
        _bridge.Post(
            () =>
            {
                Core.Diagnostics.FaultInjection.At(Core.Diagnostics.FaultPoint.Posted, result.Service);
                _cmdlet.WriteObject(output);
                if (index + 1 == count || !result.Succeeded)
                {
                    var done = new ProgressRecord(
                        _activityId,
                        _activity,
                        "done")
                    { RecordType = ProgressRecordType.Completed, ParentActivityId = _parentActivityId };
                    _cmdlet.WriteProgress(done);
                }
            },
            result.Service);
    }
}
