using Meridian.Client.Connection;
using Meridian.Contracts.V1;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Meridian.Client.Registration;

/// <summary>
/// Registers the app once Kestrel listens (with the address it really bound) and deregisters it first thing when the
/// app stops, before the server stops taking requests, so callers move away while this instance still answers.
/// </summary>
internal sealed partial class MeridianRegistrar(
    MeridianConnection connection,
    IHostApplicationLifetime lifetime,
    IHostEnvironment environment,
    IServiceProvider services,
    IOptions<MeridianClientOptions> options,
    ILogger<MeridianRegistrar> logger) : IHostedLifecycleService
{
    private readonly MeridianClientOptions _options = options.Value;
    private volatile RegisterInstance? _registered;

    /// <summary>What this app registered, once it has; null before start or when registration is off.</summary>
    public RegisterInstance? Registration => _registered;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() => _ = RegisterAsync(lifetime.ApplicationStopping));
        return Task.CompletedTask;
    }

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        if (_registered is not { } registration)
        {
            return;
        }

        _registered = null;
        if (!_options.Ephemeral)
        {
            // A persistent instance outlives the process by design; the server's probes track its health.
            return;
        }

        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(_options.Connection.DeregisterTimeout);
        try
        {
            var ack = await connection.DeregisterAsync(registration.Service, registration.InstanceId, bounded.Token);
            if (ack is { Ok: true })
            {
                LogDeregistered(logger, registration.InstanceId);
            }
            else
            {
                LogDeregisterFailed(logger, registration.InstanceId, ack?.ErrorMessage ?? "no server reachable");
            }
        }
        catch (OperationCanceledException)
        {
            LogDeregisterFailed(logger, registration.InstanceId, $"no answer within {_options.Connection.DeregisterTimeout.TotalSeconds:F0} s");
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task RegisterAsync(CancellationToken cancellationToken)
    {
        try
        {
            var addresses = services.GetService(typeof(IServer)) is IServer server
                ? server.Features.Get<IServerAddressesFeature>()?.Addresses ?? []
                : (ICollection<string>)[];
            var resolved = ListenAddressResolver.Resolve(addresses, _options);
            if (resolved is null)
            {
                LogNoAddress(logger);
                return;
            }

            if (resolved.Guessed)
            {
                LogGuessed(logger, resolved.Ip, string.Join(", ", addresses));
            }

            var registration = Build(resolved);
            _registered = registration;
            var ack = await connection.RegisterAsync(registration, cancellationToken);
            if (ack is null)
            {
                LogPending(logger, registration.InstanceId);
            }
            else if (ack.Ok)
            {
                LogRegistered(logger, registration.InstanceId);
            }
            else
            {
                LogRejected(logger, registration.InstanceId, ack.ErrorCode, ack.ErrorMessage);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping before registration finished: nothing to undo beyond what StoppingAsync does.
        }
        catch (Exception e)
        {
            LogFailed(logger, e);
        }
    }

    private RegisterInstance Build(ListenAddressResolver.Resolved address)
    {
        var service = string.IsNullOrEmpty(_options.ServiceName) ? environment.ApplicationName : _options.ServiceName;
        var registration = new RegisterInstance
        {
            Service = new ServiceRef { Namespace = _options.Namespace, Group = _options.Group, Service = service },
            InstanceId = $"{address.Ip}#{address.Port}#{_options.ClusterName}#{_options.Group}@@{service}",
            Ip = address.Ip,
            Port = address.Port,
            Weight = _options.Weight,
            Healthy = true,
            Enabled = true,
            Ephemeral = _options.Ephemeral,
            Cluster = _options.ClusterName,
        };
        registration.Metadata.Add(_options.Metadata);
        return registration;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Registered this app in Meridian as {InstanceId}")]
    private static partial void LogRegistered(ILogger logger, string instanceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No Meridian server is reachable yet; {InstanceId} registers as soon as one is")]
    private static partial void LogPending(ILogger logger, string instanceId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Meridian rejected the registration of {InstanceId}: {Code}: {Message}. Fix the Meridian section of the configuration and restart")]
    private static partial void LogRejected(ILogger logger, string instanceId, string code, string message);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not register this app in Meridian. Check the Meridian section of the configuration")]
    private static partial void LogFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kestrel reports no listening address and Meridian:Port is not set, so this app is not registered. Set Meridian:Port (and Meridian:Ip), or Meridian:Register=false for a pure consumer")]
    private static partial void LogNoAddress(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kestrel listens on every interface ({Addresses}); registering interface address {Ip}. Set Meridian:Ip (or Meridian:PreferredNetworks) if callers cannot reach it")]
    private static partial void LogGuessed(ILogger logger, string ip, string addresses);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deregistered {InstanceId} from Meridian")]
    private static partial void LogDeregistered(ILogger logger, string instanceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not deregister {InstanceId} ({Reason}); the server removes it when this connection's grace period ends")]
    private static partial void LogDeregisterFailed(ILogger logger, string instanceId, string reason);
}
