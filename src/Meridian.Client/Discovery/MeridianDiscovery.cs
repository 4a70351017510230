using Meridian.Client.Connection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace Meridian.Client.Discovery;

internal sealed partial class MeridianDiscovery(
    ServiceCache cache,
    MeridianConnection connection,
    TimeProvider time,
    IOptions<MeridianClientOptions> options,
    ILogger<MeridianDiscovery> logger) : IMeridianDiscovery
{
    private readonly MeridianClientOptions _options = options.Value;

    public async ValueTask<IReadOnlyList<ServiceInstance>> GetInstancesAsync(string service, CancellationToken cancellationToken = default) =>
        (await GetServiceAsync(service, null, cancellationToken)).Serving;

    public async ValueTask<ServiceInstances> GetServiceAsync(string service, string? group = null, CancellationToken cancellationToken = default) =>
        (await ResolveAsync(Id(service, group), cancellationToken)).Current;

    public IDisposable Subscribe(string service, Action<ServiceInstances> onChange, string? group = null)
    {
        ArgumentNullException.ThrowIfNull(onChange);
        return Track(Id(service, group)).Listen(onChange);
    }

    public IChangeToken GetChangeToken(string service, string? group = null) => Track(Id(service, group)).ChangeToken();

    /// <summary>
    /// The tracked service, waiting (bounded) for its first list when none is known yet. Allocation-free once known,
    /// which is every call after the first.
    /// </summary>
    internal ValueTask<CachedService> ResolveAsync(ServiceId id, CancellationToken cancellationToken)
    {
        var service = Track(id);
        return service.HasData || service.GaveUpWaiting
            ? ValueTask.FromResult(service)
            : new ValueTask<CachedService>(WaitForFirstAsync(service, cancellationToken));
    }

    internal ServiceId Id(string service, string? group)
    {
        ArgumentException.ThrowIfNullOrEmpty(service);
        if (service.Length > 256 || service.AsSpan().ContainsAnyExcept(NameChars))
        {
            throw new ArgumentException(
                $"'{service}' is not a valid service name; use 1..256 letters, digits and '-', '.', '_', ':'.", nameof(service));
        }

        return new ServiceId(_options.Namespace, string.IsNullOrEmpty(group) ? _options.Group : group, service);
    }

    private static readonly System.Buffers.SearchValues<char> NameChars =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._:");

    private CachedService Track(ServiceId id)
    {
        var service = cache.GetOrAdd(id, out var created);
        if (created)
        {
            connection.Subscribe(id);
        }

        return service;
    }

    private async Task<CachedService> WaitForFirstAsync(CachedService service, CancellationToken cancellationToken)
    {
        try
        {
            await service.FirstData.Task.WaitAsync(_options.Discovery.InitialResolveTimeout, time, cancellationToken);
        }
        catch (TimeoutException)
        {
            service.GaveUpWaiting = true;
            if (connection.IsConnected)
            {
                LogNoAnswer(logger, service.Id, _options.Discovery.InitialResolveTimeout.TotalSeconds);
            }
            else
            {
                LogUnreachable(logger, service.Id, connection.CurrentServer);
            }
        }

        return service;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Service}: the server sent no list within {Seconds:F1} s; answering with none for now. It arrives by push as soon as the server sends it")]
    private static partial void LogNoAnswer(ILogger logger, ServiceId service, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Service}: no Meridian server is reachable (last tried {Server}) and no snapshot of this service is on disk; answering with no instances. Check Meridian:ServerAddresses, or list the service in Meridian:Discovery:EagerServices so a snapshot exists for the next outage")]
    private static partial void LogUnreachable(ILogger logger, ServiceId service, Uri server);
}
