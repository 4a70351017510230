using Meridian.Naming;

namespace Meridian.Protocols.Eureka;

/// <summary>Settings of the Eureka adapter, bound from <c>Meridian:Eureka</c>.</summary>
public sealed class EurekaOptions
{
    public const string SectionName = "Meridian:Eureka";

    /// <summary>The namespace Eureka applications live in; created on first registration if it does not exist.</summary>
    public string Namespace { get; set; } = ServiceKey.DefaultNamespace;

    /// <summary>The group Eureka applications live in.</summary>
    public string Group { get; set; } = ServiceKey.DefaultGroup;

    /// <summary>How long changed instances stay in <c>/apps/delta</c> (Eureka: 3 minutes).</summary>
    public TimeSpan DeltaRetention { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>At most this many changes are kept for <c>/apps/delta</c>; older ones drop out early under churn.</summary>
    public int DeltaCapacity { get; set; } = 10_000;

    /// <summary>
    /// Eureka's self-preservation: when fewer renewals arrive than <see cref="RenewalPercentThreshold"/> of those expected,
    /// the server assumes a network partition and stops expiring Eureka instances. Off by default: it keeps dead
    /// instances listed, which is rarely what a small or well-connected deployment wants.
    /// </summary>
    public bool SelfPreservation { get; set; }

    /// <summary>The share of expected renewals below which self-preservation engages (Eureka: 0.85).</summary>
    public double RenewalPercentThreshold { get; set; } = 0.85;

    /// <summary>The lease duration used when a registration does not give one (Eureka: 90 s). Meridian expires at one duration, not two.</summary>
    public TimeSpan DefaultLeaseDuration { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>The renewal interval assumed when a registration does not give one (Eureka: 30 s).</summary>
    public TimeSpan DefaultRenewalInterval { get; set; } = TimeSpan.FromSeconds(30);
}
