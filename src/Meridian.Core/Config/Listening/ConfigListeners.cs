using System.Collections.Concurrent;
using Meridian.Auth;
using Meridian.Changes;
using Microsoft.Extensions.Options;

namespace Meridian.Config.Listening;

/// <summary>
/// Long-poll listeners. A client names the configs it holds with their MD5s; those that differ are answered at once,
/// otherwise the request is parked on a <see cref="TaskCompletionSource"/> registered per key and woken from
/// <see cref="ConfigProjection.Changes"/>, or by a timer of the injected <see cref="TimeProvider"/>. A parked request
/// holds no thread.
/// </summary>
public sealed class ConfigListeners : IDisposable
{
    private readonly ConcurrentDictionary<ConfigKey, ListenerSet> _byKey = new();
    private readonly ConfigProjection _configs;
    private readonly TimeProvider _time;
    private readonly ConfigOptions _options;
    private readonly IDisposable _subscription;
    private int _waiting;
    private volatile bool _released;

    public ConfigListeners(ConfigProjection configs, TimeProvider time, IOptions<ConfigOptions> options)
    {
        _configs = configs;
        _time = time;
        _options = options.Value;
        _subscription = configs.Changes.Subscribe(OnChange);
    }

    /// <summary>Each listener once it is registered and parked; a client of it may now rely on being woken.</summary>
    public ChangeStream<ConfigListener> Held { get; } = new();

    /// <summary>The hold time for a requested one: the default when none, else clamped to the configured bounds.</summary>
    public TimeSpan HoldFor(TimeSpan? requested) => requested is { } r
        ? TimeSpan.FromTicks(Math.Clamp(r.Ticks, _options.ListenerMinTimeout.Ticks, _options.ListenerMaxTimeout.Ticks))
        : _options.ListenerDefaultTimeout;

    /// <summary>
    /// The configs that changed since the client's MD5 (or revision), with the current MD5 (<c>""</c> for a deleted config)
    /// and revision.
    /// Empty when nothing changed within <paramref name="timeout"/> or the server is stopping.
    /// </summary>
    public async Task<IReadOnlyList<ListenedConfig>> WaitAsync(
        IReadOnlyList<ListenedConfig> configs, TimeSpan timeout, string clientId, string address, Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(configs);
        foreach (var config in configs)
        {
            caller.Demand(config.Key, AccessActions.Read);
        }

        var changed = Changed(configs);
        if (changed.Count > 0 || _released || timeout <= TimeSpan.Zero)
        {
            return changed;
        }

        var listener = new ConfigListener(clientId, address, _time.GetUtcNow(), configs);
        Register(listener);
        Interlocked.Increment(ref _waiting);
        try
        {
            // A change published between the first look and the registration woke nobody: look again.
            changed = Changed(configs);
            if (changed.Count > 0 || _released)
            {
                return changed;
            }

            using var timer = _time.CreateTimer(static state => ((ConfigListener)state!).Signal.TrySetResult(), listener, timeout, Timeout.InfiniteTimeSpan);
            await using var cancel = cancellationToken.UnsafeRegister(static state => ((ConfigListener)state!).Signal.TrySetResult(), listener);
            Held.Publish(listener);
            await listener.Signal.Task;
            cancellationToken.ThrowIfCancellationRequested();
            return Changed(configs);
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
            Unregister(listener);
        }
    }

    /// <summary>Long polls held right now.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>Who is waiting on a config right now, and with which MD5.</summary>
    public IReadOnlyList<ConfigListenerInfo> ListenersOf(ConfigKey key, Caller caller)
    {
        caller.Demand(key, AccessActions.Read);
        return _byKey.TryGetValue(key, out var set)
            ? [.. set.Members.Select(m => new ConfigListenerInfo(m.Key.ClientId, m.Key.Address, m.Value.Md5, m.Key.Since)).OrderBy(i => i.Since)]
            : [];
    }

    /// <summary>
    /// The configs a client waits on right now, and the MD5 it holds of each: the client named by its id, its address
    /// (<c>ip:port</c>) or its IP alone (every process on that host). Only configs the caller may read are listed.
    /// </summary>
    public IReadOnlyList<ClientListeningInfo> ListenedBy(string client, string? ns, Caller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var errors = new Validation.ValidationErrors();
        if (string.IsNullOrWhiteSpace(client) || client.Length > Validation.Rules.MaxNameLength)
        {
            errors.Add("client", $"'client' names the client: its id, its address (ip:port) or its IP, 1..{Validation.Rules.MaxNameLength} characters.");
        }

        if (ns is not null)
        {
            Validation.Rules.Name(errors, "namespace", ns);
        }

        errors.ThrowIfAny();
        var found = new List<ClientListeningInfo>();
        foreach (var (key, set) in _byKey)
        {
            if ((ns is not null && key.Namespace != ns) || !caller.MayRead(key))
            {
                continue;
            }

            foreach (var (listener, held) in set.Members)
            {
                if (Names(listener, client))
                {
                    found.Add(new ClientListeningInfo(key, listener.ClientId, listener.Address, held.Md5, listener.Since));
                }
            }
        }

        return [.. found.OrderBy(f => f.Address, StringComparer.Ordinal).ThenBy(f => f.Key.Namespace, StringComparer.Ordinal)
            .ThenBy(f => f.Key.Group, StringComparer.Ordinal).ThenBy(f => f.Key.DataId, StringComparer.Ordinal)];
    }

    private static bool Names(ConfigListener listener, string client) =>
        listener.ClientId == client || listener.Address == client ||
        (listener.Address.Length > client.Length && listener.Address[client.Length] == ':' && listener.Address.StartsWith(client, StringComparison.Ordinal)
            && listener.Address.LastIndexOf(':') == client.Length);

    /// <summary>Answers every held listener with "nothing changed" and every later one at once: the server is stopping.</summary>
    public void ReleaseAll()
    {
        _released = true;
        foreach (var set in _byKey.Values)
        {
            foreach (var listener in set.Members.Keys)
            {
                listener.Signal.TrySetResult();
            }
        }
    }

    public void Dispose() => _subscription.Dispose();

    private List<ListenedConfig> Changed(IReadOnlyList<ListenedConfig> configs)
    {
        List<ListenedConfig>? changed = null;
        foreach (var held in configs)
        {
            var md5 = _configs.Md5Of(held.Key);
            var revision = _configs.RevisionOf(held.Key);
            if (held.Revision is { } seen ? revision > seen : !string.Equals(md5, held.Md5, StringComparison.Ordinal))
            {
                (changed ??= []).Add(held with { Md5 = md5, Revision = held.Revision is null ? null : revision });
            }
        }

        return changed ?? [];
    }

    /// <summary>Runs on the publishing thread: only completes tasks, whose continuations are queued elsewhere.</summary>
    private void OnChange(ConfigChange change)
    {
        if (!_byKey.TryGetValue(change.Key, out var set))
        {
            return;
        }

        var md5 = change.Md5;
        foreach (var (listener, held) in set.Members)
        {
            if (held.Revision is not null || !string.Equals(held.Md5, md5, StringComparison.Ordinal))
            {
                listener.Signal.TrySetResult();
            }
        }
    }

    private void Register(ConfigListener listener)
    {
        foreach (var held in listener.Configs)
        {
            while (true)
            {
                var set = _byKey.GetOrAdd(held.Key, static _ => new ListenerSet());
                lock (set.Gate)
                {
                    if (!set.Dead)
                    {
                        set.Members[listener] = held;
                        break;
                    }
                }
            }
        }
    }

    private void Unregister(ConfigListener listener)
    {
        foreach (var held in listener.Configs)
        {
            if (!_byKey.TryGetValue(held.Key, out var set))
            {
                continue;
            }

            lock (set.Gate)
            {
                if (set.Members.TryRemove(listener, out _) && set.Members.IsEmpty)
                {
                    set.Dead = true;
                    _byKey.TryRemove(new KeyValuePair<ConfigKey, ListenerSet>(held.Key, set));
                }
            }
        }
    }
}
