using Meridian.Naming;

namespace Meridian.Health;

/// <summary>Checks whether one persistent instance answers. One implementation per <see cref="HealthCheckType"/>.</summary>
public interface IHealthProbe
{
    HealthCheckType Type { get; }

    Task<bool> ProbeAsync(Instance instance, HealthCheckDefinition check, CancellationToken cancellationToken);
}
