using Meridian.Auth;

namespace Meridian.Naming;

/// <summary>One client following a service's changes, as the protocol adapter that pushes to it knows it.</summary>
/// <param name="Address">The client's address as the server sees it (<c>ip:port</c>).</param>
/// <param name="Protocol"><c>grpc</c> (a Meridian client connection), <c>nacos-grpc</c> (Nacos 2.x), <c>nacos-udp</c> (a Nacos 1.x poll with a UDP port).</param>
/// <param name="ClientId">The id the client gave (its connection id for Nacos).</param>
/// <param name="Agent">The client's name and version, when it said.</param>
/// <param name="Since">When it subscribed (for a UDP target: its first poll still remembered).</param>
public sealed record ServiceSubscriber(string Address, string Protocol, string ClientId, string Agent, DateTimeOffset Since);

/// <summary>
/// A protocol adapter's subscriptions, read for diagnostics: the adapter answers from the maps its pushes already keep,
/// so a look costs the push path nothing.
/// </summary>
public interface IServiceSubscriberSource
{
    /// <summary>Adds the clients following <paramref name="key"/> through this adapter.</summary>
    void AddSubscribersOf(ServiceKey key, ICollection<ServiceSubscriber> into);
}

/// <summary>Who follows a service, across every protocol, for a caller who may read the service.</summary>
public sealed class ServiceSubscribers(IEnumerable<IServiceSubscriberSource> sources)
{
    private readonly IServiceSubscriberSource[] _sources = [.. sources];

    public IReadOnlyList<ServiceSubscriber> Of(ServiceKey key, Caller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        InstanceRules.ValidateKey(key);
        caller.Demand(key, AccessActions.Read);
        var all = new List<ServiceSubscriber>();
        foreach (var source in _sources)
        {
            source.AddSubscribersOf(key, all);
        }

        return [.. all.OrderBy(s => s.Since).ThenBy(s => s.Address, StringComparer.Ordinal)];
    }
}
