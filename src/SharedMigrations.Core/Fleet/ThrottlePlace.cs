namespace SharedMigrations.Core.Fleet;

/// <summary>One of the ThrottleLimit places of a fleet run; given back while the service waits for another one.</summary>
internal sealed class ThrottlePlace : IDisposable
{
    private readonly SemaphoreSlim _places;
    private bool _held;

    private ThrottlePlace(SemaphoreSlim places)
    {
        _places = places;
    }

    public static async Task<ThrottlePlace> TakeAsync(SemaphoreSlim places, CancellationToken cancellationToken)
    {
        var place = new ThrottlePlace(places);
        await places.WaitAsync(cancellationToken).ConfigureAwait(false);
        place._held = true;
        return place;
    }

    /// <summary>Gives the place back while <paramref name="wait"/> runs, then takes one again.</summary>
    public async Task<T> WhileWaitingAsync<T>(Func<Task<T>> wait, CancellationToken cancellationToken)
    {
        Release();
        try
        {
            return await wait().ConfigureAwait(false);
        }
        finally
        {
            await _places.WaitAsync(cancellationToken).ConfigureAwait(false);
            _held = true;
        }
    }

    public void Dispose() => Release();

    private void Release()
    {
        if (_held)
        {
            _held = false;
            _places.Release();
        }
    }
}
