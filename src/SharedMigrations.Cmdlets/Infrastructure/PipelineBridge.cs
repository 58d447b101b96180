using System.Collections.Concurrent;

namespace SharedMigrations.Infrastructure;

/// <summary>
/// Runs engine work on worker threads while the cmdlet's pipeline thread writes what the work produces
/// (objects, errors, verbose lines, progress, ShouldProcess prompts): workers queue, the pipeline thread drains.
/// Cancelled from StopProcessing (Ctrl+C).
/// </summary>
internal sealed class PipelineBridge : IDisposable
{
    private readonly BlockingCollection<WorkItem> _queue = new();
    private readonly CancellationTokenSource _cancellation = new();
    private Exception? _pipelineFailure;

    public CancellationToken Token => _cancellation.Token;

    /// <summary>Queues an action for the pipeline thread (fire and forget).</summary>
    public void Post(Action action)
    {
        try
        {
            _queue.Add(new WorkItem(action, null));
        }
        catch (InvalidOperationException)
        {
            // The run is over; nothing is listening any more.
        }
    }

    /// <summary>Runs a function on the pipeline thread and waits for its answer (for ShouldProcess).</summary>
    public Task<T> InvokeAsync<T>(Func<T> function)
    {
        var completion = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            _queue.Add(new WorkItem(
                () =>
                {
                    try
                    {
                        completion.TrySetResult(function());
                    }
                    catch (Exception ex)
                    {
                        completion.TrySetException(ex);
                    }
                },
                () => completion.TrySetCanceled()));
        }
        catch (InvalidOperationException)
        {
            completion.TrySetCanceled();
        }

        return completion.Task;
    }

    /// <summary>Starts the work and drains the queue on the calling (pipeline) thread until the work ends; rethrows its failure.</summary>
    public void Run(Func<CancellationToken, Task> work)
    {
        var task = Task.Run(() => work(Token), Token);
        task.ContinueWith(_ => _queue.CompleteAdding(), TaskScheduler.Default);
        foreach (var item in _queue.GetConsumingEnumerable())
        {
            if (_pipelineFailure is not null)
            {
                item.Cancel?.Invoke();
                continue;
            }

            try
            {
                item.Run();
            }
            catch (Exception ex)
            {
                // Usually PipelineStoppedException (Select-Object -First, Ctrl+C): stop the workers, then rethrow.
                _pipelineFailure = ex;
                _cancellation.Cancel();
            }
        }

        if (_pipelineFailure is not null)
        {
            try
            {
                task.GetAwaiter().GetResult();
            }
            catch
            {
                // The pipeline's own failure is the one that matters.
            }

            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(_pipelineFailure).Throw();
        }

        task.GetAwaiter().GetResult();
    }

    /// <summary>Cancels the work (StopProcessing).</summary>
    public void Cancel()
    {
        try
        {
            _cancellation.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public void Dispose()
    {
        _queue.Dispose();
        _cancellation.Dispose();
    }

    private sealed record WorkItem(Action Run, Action? Cancel);
}
