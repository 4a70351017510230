namespace Meridian.Config.Listening;

/// <summary>One held long-poll: who asked, since when, for which configs. It is woken at most once.</summary>
public sealed class ConfigListener
{
    internal ConfigListener(string clientId, string address, DateTimeOffset since, IReadOnlyList<ListenedConfig> configs)
    {
        ClientId = clientId;
        Address = address;
        Since = since;
        Configs = configs;
    }

    public string ClientId { get; }
    public string Address { get; }
    public DateTimeOffset Since { get; }
    public IReadOnlyList<ListenedConfig> Configs { get; }

    /// <summary>Completed by a change, the timeout, cancellation or shutdown; continuations never run on the waker's thread.</summary>
    internal TaskCompletionSource Signal { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>What operators see of a listener of one config.</summary>
public sealed record ConfigListenerInfo(string ClientId, string Address, string Md5, DateTimeOffset Since);

/// <summary>One config a client waits on right now, with the MD5 it holds.</summary>
public sealed record ClientListeningInfo(ConfigKey Key, string ClientId, string Address, string Md5, DateTimeOffset Since);
