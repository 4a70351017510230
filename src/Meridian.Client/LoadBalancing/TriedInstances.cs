using Meridian.Client.Discovery;

namespace Meridian.Client.LoadBalancing;

/// <summary>
/// The instances one call has been sent to, across its retry attempts, kept on the request: each attempt picks an
/// instance the call has not tried yet.
/// </summary>
internal sealed class TriedInstances(CachedService service)
{
    private static readonly HttpRequestOptionsKey<TriedInstances> Key = new("Meridian.TriedInstances");

    private ServiceInstance? _first;
    private List<ServiceInstance>? _more;

    /// <summary>The service the call goes to.</summary>
    public CachedService Service { get; } = service;

    public int Count { get; private set; }

    /// <summary>What the call to <paramref name="request"/> tried so far; null before its first attempt.</summary>
    public static TriedInstances? Of(HttpRequestMessage request) =>
        request.Options.TryGetValue(Key, out var tried) ? tried : null;

    /// <summary>The record of <paramref name="request"/>'s attempts, begun on its first.</summary>
    public static TriedInstances For(HttpRequestMessage request, CachedService service)
    {
        if (Of(request) is { } tried)
        {
            return tried;
        }

        tried = new TriedInstances(service);
        request.Options.Set(Key, tried);
        return tried;
    }

    public void Add(ServiceInstance instance)
    {
        if (Contains(instance))
        {
            return;
        }

        if (_first is null)
        {
            _first = instance;
        }
        else
        {
            (_more ??= []).Add(instance);
        }

        Count++;
    }

    public bool Contains(ServiceInstance instance)
    {
        if (ReferenceEquals(_first, instance))
        {
            return true;
        }

        if (_more is null)
        {
            return false;
        }

        foreach (var tried in _more)
        {
            if (ReferenceEquals(tried, instance))
            {
                return true;
            }
        }

        return false;
    }
}
