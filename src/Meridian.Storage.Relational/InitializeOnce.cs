namespace Meridian.Storage.Relational;

/// <summary>
/// Runs an engine's opening work (connect, migrate) once, on first use, however many callers arrive together; a failed
/// attempt is tried again by the next caller.
/// </summary>
public sealed class InitializeOnce(Func<CancellationToken, Task> initialize) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile bool _done;

    public async ValueTask EnsureAsync(CancellationToken cancellationToken)
    {
        if (_done)
        {
            return;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (!_done)
            {
                await initialize(cancellationToken);
                _done = true;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
