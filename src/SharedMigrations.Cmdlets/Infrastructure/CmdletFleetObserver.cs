using System.Management.Automation;
using SharedMigrations.Core;
using SharedMigrations.Core.Fleet;

namespace SharedMigrations.Infrastructure;

/// <summary>
/// Fleet progress (services done of the total, and each service's current migration), verbose lines and each service's errors, written on
/// the pipeline thread.
/// </summary>
internal sealed class CmdletFleetObserver : FleetObserver
{
    private const int FleetActivityId = 0;

    private readonly ServiceCommandBase _cmdlet;
    private readonly PipelineBridge _bridge;
    private readonly string _activity;
    private readonly IReadOnlyDictionary<MigrationService, string> _paths;
    private readonly Dictionary<MigrationService, int> _ids;
    private readonly System.Collections.Concurrent.ConcurrentQueue<FleetServiceOutcome> _outcomes = new();
    private int _finished;

    public CmdletFleetObserver(
        ServiceCommandBase cmdlet,
        PipelineBridge bridge,
        string activity,
        IReadOnlyDictionary<MigrationService, string> paths)
    {
        _cmdlet = cmdlet;
        _bridge = bridge;
        _activity = activity;
        _paths = paths;
        _ids = paths.Keys.Select((service, i) => (service, i)).ToDictionary(x => x.service, x => x.i + 1);
    }

    public override MigrationObserver? ForService(MigrationService service) =>
        new CmdletObserver(_cmdlet, _bridge, _paths[service], $"{_activity}: {service.ServiceName}", _ids[service], FleetActivityId);

    public override void OnServiceStarted(MigrationService service) => ShowFleet($"{service.ServiceName} started");

    public override void OnServiceWaiting(MigrationService service, string reason) =>
        _bridge.Post(() => _cmdlet.WriteVerbose($"{service.ServiceName}: {reason}."));

    /// <summary>The services that finished so far, in the order they finished.</summary>
    public IReadOnlyCollection<FleetServiceOutcome> Outcomes => _outcomes;

    public override void OnServiceFinished(FleetServiceOutcome outcome)
    {
        _outcomes.Enqueue(outcome);
        Interlocked.Increment(ref _finished);
        var service = outcome.Service;
        var path = _paths[service];
        if (outcome.Error is { } error)
        {
            _bridge.Post(() => _cmdlet.WriteMigrationError(error, path));
        }

        _bridge.Post(() => _cmdlet.WriteProgress(new ProgressRecord(
            _ids[service],
            $"{_activity}: {service.ServiceName}",
            outcome.State.ToString())
        {
            ParentActivityId = FleetActivityId,
            RecordType = ProgressRecordType.Completed,
        }));
        ShowFleet($"{service.ServiceName} {outcome.State.ToString().ToLowerInvariant()}");
    }

    /// <summary>Clears the fleet progress bar at the end of the run.</summary>
    public void Complete() =>
        _bridge.Post(() => _cmdlet.WriteProgress(new ProgressRecord(
            FleetActivityId,
            _activity,
            "done")
        { RecordType = ProgressRecordType.Completed }));

    private void ShowFleet(string last)
    {
        var finished = Volatile.Read(ref _finished);
        var total = _paths.Count;
        _bridge.Post(() => _cmdlet.WriteProgress(new ProgressRecord(
            FleetActivityId,
            _activity,
            $"{finished} of {total} service(s) done; {last}")
        {
            PercentComplete = total == 0 ? 100 : finished * 100 / total,
        }));
    }
}
