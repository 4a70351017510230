namespace Meridian.Protocols.Nacos;

/// <summary>Settings of the Nacos v1 adapter, bound from <c>Meridian:Nacos</c>.</summary>
public sealed class NacosOptions
{
    public const string SectionName = "Meridian:Nacos";

    /// <summary>
    /// Push instance lists over UDP to clients that poll with a <c>udpPort</c> (Nacos 1.x push). Pushes go to the address
    /// the poll came from, never to the <c>clientIP</c> a caller names, so the server cannot be aimed at third parties.
    /// </summary>
    public bool UdpPush { get; set; } = true;

    /// <summary>The poll delay (<c>cacheMillis</c>) given to push subscribers; pushes make polling a safety net (Nacos: 10 s).</summary>
    public TimeSpan PushCacheTime { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The poll delay (<c>cacheMillis</c>) given to callers that cannot be pushed to (Nacos: 3 s).</summary>
    public TimeSpan PollCacheTime { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>A push subscriber that has not polled for this long is forgotten.</summary>
    public TimeSpan SubscriberTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A push over a Nacos 2.x connection the client has not acked within this time is sent again.</summary>
    public TimeSpan PushAckTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How many times a Nacos 2.x push is sent before the server gives up on it (the next change is pushed anyway).</summary>
    public int PushAttempts { get; set; } = 3;
}
