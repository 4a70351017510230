namespace Meridian.Protocols.Native;

/// <summary>Client-connection behaviour, bound from <c>Meridian:Connections</c>.</summary>
public sealed class ConnectionOptions
{
    public const string SectionName = "Meridian:Connections";

    /// <summary>How long instances registered over a connection outlive it, so a reconnect does not make them flap.</summary>
    public TimeSpan Grace { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>A connection quiet for this long is pinged (app-level, and by HTTP/2 keep-alive pings).</summary>
    public TimeSpan PingInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A connection that says nothing, not even a pong, for this long is closed.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(35);

    /// <summary>How long a new stream may take to say Hello.</summary>
    public TimeSpan HelloTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Acks and pongs a client may leave unread before it is cut off. Pushes never count: only the latest per service
    /// is kept for a slow reader.
    /// </summary>
    public int MaxPendingReplies { get; set; } = 1024;
}
