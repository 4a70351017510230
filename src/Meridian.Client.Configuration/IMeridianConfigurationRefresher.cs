namespace Meridian.Client.Configuration;

/// <summary>Refreshes the Meridian configuration on demand and tells how current it is.</summary>
public interface IMeridianConfigurationRefresher
{
    ConfigSourceStatus Status { get; }

    IReadOnlyList<string> DataIds { get; }

    /// <summary>Reads every refreshable config now; false when no server answered (the last values stay).</summary>
    Task<bool> TryRefreshAsync(CancellationToken cancellationToken);
}

public enum ConfigSourceState
{
    NotLoaded,
    Current,
    FromSnapshot,
    Unreachable,
}

/// <summary>How one config source stands: loaded, served from its snapshot, or not reachable.</summary>
/// <param name="State">Where the content in use came from.</param>
/// <param name="LastLoad">When content was last read from a server.</param>
/// <param name="LastContact">When a server last answered (a load or an empty poll).</param>
/// <param name="Message">What happened last, in words, for health checks and logs.</param>
public sealed record ConfigSourceStatus(ConfigSourceState State, DateTimeOffset? LastLoad, DateTimeOffset? LastContact, string Message);
