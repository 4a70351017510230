using Meridian.Naming;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Meridian.Protocols.Eureka.Registry;

/// <summary>
/// Eureka's self-preservation, when switched on: if renewals in the last minute fall below
/// <see cref="EurekaOptions.RenewalPercentThreshold"/> of those the registered Eureka instances should send, the
/// server assumes it is cut off from its clients rather than that they all died, and renews their leases itself so
/// the registry's sweep does not expire them. Expiry resumes as soon as renewals recover.
/// </summary>
internal sealed partial class EurekaSelfPreservation(
    RegistryCommands commands,
    EurekaApps apps,
    EurekaRenewalMeter renewals,
    TimeProvider time,
    IOptions<EurekaOptions> options,
    IOptions<RegistryOptions> registryOptions,
    ILogger<EurekaSelfPreservation> logger) : BackgroundService
{
    private bool _engaged;

    /// <summary>True while expiry of Eureka instances is suspended.</summary>
    public bool Engaged => Volatile.Read(ref _engaged);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.SelfPreservation)
        {
            return;
        }

        using var timer = new PeriodicTimer(registryOptions.Value.SweepInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                Evaluate();
            }
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }

    internal void Evaluate()
    {
        double expected = 0;
        var leases = new List<(ServiceKey Key, Instance Instance)>();
        foreach (var (_, snapshots) in apps.Current())
        {
            foreach (var snapshot in snapshots)
            {
                foreach (var instance in snapshot.Instances)
                {
                    if (instance.Metadata.ContainsKey(EurekaMetadata.HostName))
                    {
                        var interval = EurekaMetadata.GetLong(instance, PreservedMetadata.HeartbeatInterval) is { } ms and > 0 ? ms / 1000.0 : 30;
                        expected += 60 / interval;
                        leases.Add((snapshot.Key, instance));
                    }
                }
            }
        }

        var threshold = (int)(expected * options.Value.RenewalPercentThreshold);
        var engaged = leases.Count > 0 && renewals.LastMinute() < threshold;
        if (engaged != _engaged)
        {
            Volatile.Write(ref _engaged, engaged);
            if (engaged)
            {
                LogEngaged(renewals.LastMinute(), threshold);
            }
            else
            {
                LogReleased();
            }
        }

        if (engaged)
        {
            foreach (var (key, instance) in leases)
            {
                if (instance.Healthy)
                {
                    commands.RenewLease(key, instance.InstanceId, Meridian.Auth.Caller.System);
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Eureka self-preservation engaged: {Renewals} renewals in the last minute, {Threshold} expected; Eureka instances will not expire until renewals recover")]
    private partial void LogEngaged(int renewals, int threshold);

    [LoggerMessage(Level = LogLevel.Information, Message = "Eureka self-preservation released: renewals recovered, expired instances are removed again")]
    private partial void LogReleased();
}
