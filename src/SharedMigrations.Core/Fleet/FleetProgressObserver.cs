using SharedMigrations.Core.Database;
using SharedMigrations.Core.Model;
using SharedMigrations.Core.Planning;

namespace SharedMigrations.Core.Fleet;

/// <summary>
/// Passes events on to the caller's observer, keeps a service's progress current for the services waiting on it, and
/// records what ran, so that a service that fails part way still reports where it started and what it applied.
/// </summary>
internal sealed class FleetProgressObserver(
    MigrationObserver? inner,
    ServiceProgress? progress,
    string service,
    MigrationDirection direction) : MigrationObserver
{
    private readonly List<MigrationResult> _results = new();
    private long? _from;

    public override void OnVerbose(string name, string message) => inner?.OnVerbose(name, message);

    public override void OnWarning(string name, string message) => inner?.OnWarning(name, message);

    public override void OnLockWaiting(string name, RunLockHolder? holder) => inner?.OnLockWaiting(name, holder);

    public override void OnHistoryRead(string name, HistorySnapshot history)
    {
        // A fleet run may run a service in parts (pausing for another service between them): it started at the first.
        _from ??= history.CurrentVersion;
        progress?.Advance(history.CurrentVersion);
        inner?.OnHistoryRead(name, history);
    }

    public override void OnStepStarting(PlannedStep step, int index, int count) => inner?.OnStepStarting(step, index, count);

    public override void OnStepCompleted(MigrationResult result, int index, int count)
    {
        lock (_results)
        {
            _results.Add(result);
        }

        if (result.Succeeded && result.Direction == MigrationDirection.Up)
        {
            progress?.Advance(result.Version);
        }

        inner?.OnStepCompleted(result, index, count);
    }

    /// <summary>What ran before the service failed (null when it failed before reading its history).</summary>
    public MigrationRunResult? Partial()
    {
        if (_from is not { } from)
        {
            return null;
        }

        MigrationResult[] results;
        lock (_results)
        {
            results = _results.ToArray();
        }

        var applied = results.Where(r => r.Succeeded).Select(r => r.Version).ToArray();
        return new MigrationRunResult
        {
            Service = service,
            Direction = direction,
            Results = results,
            Planned = Array.Empty<PlannedStep>(),
            FromVersion = from,
            ToVersion = direction == MigrationDirection.Up
                ? applied.Append(from).Max()
                : applied.Length == 0 ? from : Math.Min(from, applied.Min() - 1),
        };
    }
}
