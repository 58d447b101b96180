using System.Collections.Concurrent;
using System.Management.Automation;
using System.Runtime.ExceptionServices;

namespace SharedMigrations.Infrastructure;

/// <summary>
/// Runs engine work on worker threads while the cmdlet's pipeline thread writes what the work produces
/// (objects, errors, verbose lines, progress, ShouldProcess prompts): workers queue, the pipeline thread drains.
/// Cancelled from StopProcessing (Ctrl+C).
/// </summary>
/// <remarks>
/// Nothing of ours is left unobserved on the thread pool: the work is one task that the pipeline thread always waits for,
/// and the queue is completed by that task itself (in a finally), not by a continuation that could fail or never run.
/// Every exception ends on the pipeline thread: PowerShell's own (the pipeline stopped, -ErrorAction Stop) is rethrown
/// there; any other one, from the work or from a posted action, goes to the unexpected-error handler, which writes it as
/// an error record. None can reach the thread pool, where it would end the process.
/// </remarks>
internal sealed class PipelineBridge : IDisposable
{
    private readonly BlockingCollection<WorkItem> _queue = new();
    private readonly CancellationTokenSource _cancellation = new();
    private readonly Action<Exception, string?> _onUnexpected;
    private Exception? _pipelineFailure;

    /// <param name="onUnexpected">Writes an unexpected failure (and the service it belongs to, when known); called on the pipeline
    /// thread.</param>
    public PipelineBridge(Action<Exception, string?> onUnexpected)
    {
        _onUnexpected = onUnexpected;
    }

    public CancellationToken Token => _cancellation.Token;

    /// <summary>
    /// Queues an action for the pipeline thread (fire and forget); a failure of it is reported for <paramref name="service"/>.
    /// </summary>
    public void Post(Action action, string? service = null)
    {
        try
        {
            _queue.Add(new WorkItem(action, null, service));
        }
        catch (InvalidOperationException)
        {
            // The run is over (completed or disposed); nothing is listening any more.
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
                    catch (Exception ex) when (IsPipelineFailure(ex))
                    {
                        // The pipeline is stopping (Ctrl+C at the prompt, -ErrorAction Stop): the worker is cancelled, the pipeline thread
                        // rethrows.
                        completion.TrySetCanceled();
                        throw;
                    }
                    catch (Exception ex)
                    {
                        completion.TrySetException(ex);
                    }
                },
                () => completion.TrySetCanceled(),
                null));
        }
        catch (InvalidOperationException)
        {
            completion.TrySetCanceled();
        }

        return completion.Task;
    }

    /// <summary>
    /// Starts the work and drains the queue on the calling (pipeline) thread until the work ends. Rethrows the pipeline's
    /// own failure, and an OperationCanceledException when the run was cancelled; reports any other failure of the work.
    /// </summary>
    public void Run(Func<CancellationToken, Task> work)
    {
        var token = Token;

        // Not Task.Run(..., token): a run cancelled before it started would then never complete the queue.
        var task = Task.Run(async () =>
        {
            try
            {
                await work(token).ConfigureAwait(false);
            }
            finally
            {
                _queue.CompleteAdding();
            }
        });

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
                Fail(ex, item.Service);
            }
        }

        Exception? workFailure = null;
        try
        {
            task.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (_pipelineFailure is null && token.IsCancellationRequested)
        {
            throw; // Ctrl+C: the caller knows what to do with it
        }
        catch (Exception ex)
        {
            workFailure = ex;
        }

        if (_pipelineFailure is not null)
        {
            // The pipeline's own failure is the one that matters.
            ExceptionDispatchInfo.Capture(_pipelineFailure).Throw();
        }

        if (workFailure is not null)
        {
            Fail(workFailure, null);
            if (_pipelineFailure is not null)
            {
                ExceptionDispatchInfo.Capture(_pipelineFailure).Throw();
            }
        }
    }

    /// <summary>Cancels the work (StopProcessing, or the pipeline failed).</summary>
    public void Cancel()
    {
        try
        {
            _cancellation.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
        catch (AggregateException ex)
        {
            // A cancellation callback (Npgsql's, for one) failed on the thread that cancelled: report it, never throw it there.
            Post(() => _onUnexpected(ex, null));
        }
    }

    public void Dispose()
    {
        _queue.Dispose();
        _cancellation.Dispose();
    }

    /// <summary>
    /// Exceptions that PowerShell raises when the pipeline stops or an error stops the command: rethrown on the pipeline thread.
    /// </summary>
    internal static bool IsPipelineFailure(Exception exception) =>
        exception is PipelineStoppedException or ActionPreferenceStopException or HaltCommandException
        || exception.GetType().Assembly == typeof(PSCmdlet).Assembly;

    // On the pipeline thread: the pipeline's failure stops the run; anything else is written as an unexpected error.
    private void Fail(Exception exception, string? service)
    {
        if (IsPipelineFailure(exception))
        {
            _pipelineFailure ??= exception;
            Cancel();
            return;
        }

        try
        {
            _onUnexpected(exception, service);
        }
        catch (Exception ex) when (IsPipelineFailure(ex))
        {
            // Writing the error stopped the command (-ErrorAction Stop): stop the workers, then rethrow.
            _pipelineFailure ??= ex;
            Cancel();
        }
    }

    private sealed record WorkItem(Action Run, Action? Cancel, string? Service);
}
