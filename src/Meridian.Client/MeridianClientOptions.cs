using Meridian.Client.LoadBalancing;

namespace Meridian.Client;

/// <summary>Everything the client reads from the <c>Meridian</c> configuration section.</summary>
public sealed class MeridianClientOptions
{
    public const string SectionName = "Meridian";

    /// <summary>Meridian servers' client-connection addresses (<c>host:9848</c> or <c>http://host:9848</c>), tried in turn.</summary>
    public List<string> ServerAddresses { get; set; } = [];

    /// <summary>
    /// The access key (<c>mrd_...</c>, from <c>POST /v1/auth/keys</c>) the client presents when it opens its connection;
    /// the configuration source uses it too unless <c>Meridian:Config:AccessKey</c> names another.
    /// </summary>
    public string? AccessKey { get; set; }

    public string Namespace { get; set; } = "public";
    public string Group { get; set; } = "DEFAULT_GROUP";

    /// <summary>This app's cluster; same-cluster-first balancing prefers instances of it.</summary>
    public string ClusterName { get; set; } = "DEFAULT";

    /// <summary>The name this app registers under; empty means the application name.</summary>
    public string? ServiceName { get; set; }

    /// <summary>Whether this app registers itself at all (off for pure consumers).</summary>
    public bool Register { get; set; } = true;

    public double Weight { get; set; } = 1;
    public bool Ephemeral { get; set; } = true;
    public Dictionary<string, string> Metadata { get; set; } = [];

    /// <summary>Registers this address instead of the one Kestrel listens on (NAT, containers).</summary>
    public string? Ip { get; set; }

    /// <summary>Registers this port instead of the one Kestrel listens on.</summary>
    public int? Port { get; set; }

    /// <summary>When Kestrel listens on every interface, addresses starting with one of these are preferred (e.g. <c>10.0.</c>).</summary>
    public List<string> PreferredNetworks { get; set; } = [];

    public MeridianTlsOptions Tls { get; set; } = new();
    public MeridianConnectionOptions Connection { get; set; } = new();
    public MeridianDiscoveryOptions Discovery { get; set; } = new();
    public MeridianLoadBalancingOptions LoadBalancing { get; set; } = new();
}

/// <summary>How the client checks <c>https://</c> servers' certificates.</summary>
public sealed class MeridianTlsOptions
{
    /// <summary>
    /// A private CA's certificate (PEM or DER): server certificates must chain to it, and to nothing else. Unset, the
    /// machine's trusted roots decide. The configuration source uses it too unless <c>Meridian:Config:Tls:CaCertificatePath</c> names another.
    /// </summary>
    public string? CaCertificatePath { get; set; }
}

public sealed class MeridianConnectionOptions
{
    /// <summary>How long to wait for a server to accept the connection and say Welcome.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The first delay before reconnecting; it doubles per failure up to <see cref="MaxReconnectDelay"/>, with jitter.</summary>
    public TimeSpan MinReconnectDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// The longest wait between attempts (each a random delay up to it), so a client is back within about a
    /// second of its server answering again. An attempt at a stopped server costs a refused connection; a fleet's
    /// attempts spread over the jitter.
    /// </summary>
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a request (register, deregister) waits for the server's answer.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long the connection may be quiet before the client pings the server (1 s by default).</summary>
    public TimeSpan PingInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long the server has to answer a ping (1 s by default). A server quiet for <see cref="PingInterval"/> plus this
    /// is taken for dead or hung (a frozen process behind a proxy still accepts TCP), and the client moves to the next
    /// server in its list, registering its instances there again.
    /// </summary>
    public TimeSpan PingTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a stopping app waits to deregister before it gives up (the server's grace then removes it).</summary>
    public TimeSpan DeregisterTimeout { get; set; } = TimeSpan.FromSeconds(5);
}

public sealed class MeridianDiscoveryOptions
{
    /// <summary>Where the last known instance lists are kept, so a restart while the server is down still resolves peers.</summary>
    public string? SnapshotDirectory { get; set; }

    /// <summary>Services resolved at start-up, so the first call does not wait for them.</summary>
    public List<string> EagerServices { get; set; } = [];

    /// <summary>How long the first lookup of a service waits for the server before answering with what it has.</summary>
    public TimeSpan InitialResolveTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Keep the last list when a push empties a service that had instances (protects against a registry that lost its state).</summary>
    public bool EmptyPushProtection { get; set; }
}

public sealed class MeridianLoadBalancingOptions
{
    /// <summary>The rule for services without their own.</summary>
    public LoadBalancingRule Rule { get; set; } = LoadBalancingRule.RoundRobin;

    /// <summary>Per-service settings, by service name.</summary>
    public Dictionary<string, ServiceLoadBalancingOptions> Services { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Attempts per call, each on an instance the call has not tried (1 = no retry). A connection that could not be made
    /// is retried for any method; other transient failures (5xx, 408, 429, a dropped connection, an attempt timeout)
    /// only for idempotent methods.
    /// </summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>How long one attempt may take before it is abandoned (and, for an idempotent method, retried elsewhere).</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a call may take over all its attempts.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long an instance that refused a connection is suspect: calls pick it only when no other instance is left,
    /// until the registry drops it or it answers again. 0 turns this off.
    /// </summary>
    public TimeSpan FailureCooldown { get; set; } = TimeSpan.FromSeconds(10);

    public LoadBalancingRule RuleFor(string service) =>
        Services.TryGetValue(service, out var own) && own.Rule is { } rule ? rule : Rule;
}

public sealed class ServiceLoadBalancingOptions
{
    public LoadBalancingRule? Rule { get; set; }
}
