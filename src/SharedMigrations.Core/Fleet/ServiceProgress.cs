namespace SharedMigrations.Core.Fleet;

/// <summary>How far a service of a fleet run has come: its current version as it changes, and whether it is done.</summary>
internal sealed class ServiceProgress
{
    private readonly object _gate = new();
    private readonly TaskCompletionSource<bool> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _current = -1;

    /// <summary>True when the service finished well; false when it failed or was skipped.</summary>
    public Task<bool> Completion => _done.Task;

    /// <summary>The current version (-1 before the service read its history).</summary>
    public long Current
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }
    }

    public void Advance(long version)
    {
        TaskCompletionSource? signal = null;
        lock (_gate)
        {
            if (version > _current)
            {
                _current = version;
                signal = _changed;
                _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }

        signal?.TrySetResult();
    }

    public void Finish(bool succeeded)
    {
        _done.TrySetResult(succeeded);
        TaskCompletionSource signal;
        lock (_gate)
        {
            signal = _changed;
        }

        signal.TrySetResult();
    }

    /// <summary>Waits until the service reached <paramref name="version"/> (true) or finished without reaching it (false).</summary>
    public async Task<bool> WaitForVersionAsync(long version, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_current >= version)
                {
                    return true;
                }

                if (_done.Task.IsCompleted)
                {
                    return false;
                }

                changed = _changed.Task;
            }

            await Task.WhenAny(changed, _done.Task).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
