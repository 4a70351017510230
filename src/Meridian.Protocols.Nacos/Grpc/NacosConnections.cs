using System.Collections.Concurrent;

namespace Meridian.Protocols.Nacos.Grpc;

/// <summary>
/// The Nacos connections set up on this node, by connection id. A client may send a unary request a moment before
/// the server has read the <c>ConnectionSetupRequest</c> on its stream (the Rust client health-checks right after
/// sending it), so a lookup can wait briefly for the setup instead of refusing at once.
/// </summary>
internal sealed class NacosConnections(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<NacosConnection>> _byId = new(StringComparer.Ordinal);

    public IEnumerable<NacosConnection> All =>
        _byId.Values.Where(s => s.Task.IsCompletedSuccessfully).Select(s => s.Task.Result);

    /// <summary>Registers a connection; false when its id already has one (a second setup on the same HTTP/2 connection).</summary>
    public bool Add(NacosConnection connection) => Slot(connection.Id).TrySetResult(connection);

    public void Remove(NacosConnection connection)
    {
        if (_byId.TryGetValue(connection.Id, out var slot) && slot.Task.IsCompletedSuccessfully && ReferenceEquals(slot.Task.Result, connection))
        {
            _byId.TryRemove(new KeyValuePair<string, TaskCompletionSource<NacosConnection>>(connection.Id, slot));
        }
    }

    /// <summary>The connection with this id, waiting up to <paramref name="wait"/> for its setup; null if none by then.</summary>
    public async ValueTask<NacosConnection?> FindAsync(string id, TimeSpan wait, CancellationToken cancellationToken)
    {
        if (_byId.TryGetValue(id, out var existing) && existing.Task.IsCompletedSuccessfully)
        {
            return existing.Task.Result;
        }

        if (wait <= TimeSpan.Zero)
        {
            return null;
        }

        var slot = Slot(id);
        try
        {
            return await slot.Task.WaitAsync(wait, time, cancellationToken);
        }
        catch (TimeoutException)
        {
            // Nobody set it up: forget the slot, unless a setup raced in meanwhile.
            if (!slot.Task.IsCompleted)
            {
                _byId.TryRemove(new KeyValuePair<string, TaskCompletionSource<NacosConnection>>(id, slot));
            }

            return slot.Task.IsCompletedSuccessfully ? slot.Task.Result : null;
        }
    }

    private TaskCompletionSource<NacosConnection> Slot(string id) =>
        _byId.GetOrAdd(id, static _ => new TaskCompletionSource<NacosConnection>(TaskCreationOptions.RunContinuationsAsynchronously));
}
