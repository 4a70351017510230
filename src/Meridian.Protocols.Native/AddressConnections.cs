using System.Collections.Concurrent;
using System.Net;
using System.Runtime.CompilerServices;
using Grpc.Core;
using Meridian.Limits;
using Microsoft.Extensions.Options;

namespace Meridian.Protocols.Native;

/// <summary>
/// Counts the client connections open from each IP address and refuses one past
/// <see cref="LimitOptions.MaxConnectionsPerAddress"/>. One counter per address, changed with one interlocked add.
/// </summary>
internal sealed class AddressConnections(IOptions<LimitOptions> limits, Meridian.Telemetry.ServerMetrics metrics)
{
    private readonly ConcurrentDictionary<IPAddress, StrongBox<int>> _open = new();
    private readonly StrongBox<int> _total = new();

    /// <summary>Client connections open now, from all addresses.</summary>
    public int Total => Volatile.Read(ref _total.Value);

    /// <summary>Counts a new connection from <paramref name="address"/>; dispose the result when it ends.</summary>
    /// <exception cref="RpcException">ResourceExhausted: the address already holds its limit.</exception>
    public Lease Open(IPAddress? address)
    {
        if (address is null)
        {
            return Lease.None;
        }

        address = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        var count = _open.GetOrAdd(address, static _ => new StrongBox<int>());
        var limit = limits.Value.MaxConnectionsPerAddress;
        if (Interlocked.Increment(ref count.Value) > limit)
        {
            Interlocked.Decrement(ref count.Value);
            metrics.Rejected(nameof(LimitOptions.MaxConnectionsPerAddress));
            throw new RpcException(new Status(StatusCode.ResourceExhausted,
                $"{address} already holds {limit} client connections, the most one address may open; close some, or raise {LimitOptions.Setting(nameof(LimitOptions.MaxConnectionsPerAddress))}."));
        }

        Interlocked.Increment(ref _total.Value);
        return new Lease(count, _total);
    }

    public int OpenFrom(IPAddress address) => _open.TryGetValue(address, out var count) ? Volatile.Read(ref count.Value) : 0;

    /// <summary>
    /// One counted connection, released once however often it is disposed. The counter stays in the map: an address
    /// that connected once is likely to again.
    /// </summary>
    public sealed class Lease(StrongBox<int>? count, StrongBox<int>? total) : IDisposable
    {
        public static readonly Lease None = new(null, null);

        private int _released;

        public void Dispose()
        {
            if (count is not null && total is not null && Interlocked.Exchange(ref _released, 1) == 0)
            {
                Interlocked.Decrement(ref count.Value);
                Interlocked.Decrement(ref total.Value);
            }
        }
    }
}
