namespace Meridian.Changes;

/// <summary>
/// Orders the writes of one entity (a config, an instance, a service's settings) on this node: a command holds its
/// entity's gate from reading the projection until its change is applied, so what it read is what the store still has.
/// Striped: a fixed set of semaphores, so no entry is created or leaked per key; unrelated keys rarely share one.
/// </summary>
public sealed class KeyedGate
{
    private const int Stripes = 4096;
    private readonly SemaphoreSlim[] _gates = CreateGates();

    public async ValueTask<Held> EnterAsync<TKey>(TKey key, CancellationToken cancellationToken)
        where TKey : notnull
    {
        var gate = _gates[(key.GetHashCode() & int.MaxValue) % Stripes];
        await gate.WaitAsync(cancellationToken);
        return new Held(gate);
    }

    private static SemaphoreSlim[] CreateGates()
    {
        var gates = new SemaphoreSlim[Stripes];
        for (var i = 0; i < gates.Length; i++)
        {
            gates[i] = new SemaphoreSlim(1, 1);
        }

        return gates;
    }

    public readonly struct Held(SemaphoreSlim gate) : IDisposable
    {
        public void Dispose() => gate.Release();
    }
}
