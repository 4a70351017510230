using Meridian.Changes;
using Meridian.Config;
using Meridian.Namespaces;
using Meridian.Naming;
using Meridian.Persistence;

namespace Meridian.Core.Tests.Infrastructure;

/// <summary>
/// The store in memory, keeping the contract of the real ones: one revision counter, preconditions checked at commit,
/// state rows and log rows written together, ephemeral instances released on load. It can be told to fail, and it
/// counts commits so tests can see group commit.
/// </summary>
internal sealed class InMemoryChangeStore : IChangeStore, IConfigHistoryStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (NamespaceInfo Info, long Revision)> _namespaces = [];
    private readonly Dictionary<ServiceKey, (ServiceDefinition Definition, bool Explicit, long Revision)> _services = [];
    private readonly Dictionary<(ServiceKey, string), (Instance Instance, long Revision)> _instances = [];
    private readonly Dictionary<ConfigKey, (ConfigItem Item, bool Deleted, long Revision, long Version)> _configs = [];
    private readonly List<ConfigHistoryRecord> _history = [];
    private readonly List<Change> _log = [];
    private long _revision = 1000;

    public bool FailWrites { get; set; }

    /// <summary>Each commit's batch size, in order.</summary>
    public List<int> Batches { get; } = [];

    public List<DateTimeOffset> Purges { get; } = [];

    /// <summary>Held while set: commits wait on it, so a test can let writes pile up behind one in flight.</summary>
    public TaskCompletionSource? Hold { get; set; }

    /// <summary>Completes when a commit starts waiting on <see cref="Hold"/>.</summary>
    public TaskCompletionSource Holding { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<Change> Log
    {
        get
        {
            lock (_gate)
            {
                return [.. _log];
            }
        }
    }

    public bool HasInstance(ServiceKey key, string id)
    {
        lock (_gate)
        {
            return _instances.ContainsKey((key, id));
        }
    }

    public Task<StoredState> LoadAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            foreach (var ((key, _), (instance, _)) in _instances.Where(i => i.Value.Instance.Ephemeral).ToList())
            {
                Write(new InstanceRemoved(key, instance, InstanceRemovalReason.NodeRestarted).Stamp(++_revision, DateTimeOffset.UnixEpoch));
            }

            var state = new List<Change>();
            state.AddRange(_namespaces.Values.Select(n => new NamespaceSaved(n.Info) { Revision = n.Revision }));
            state.AddRange(_services.Where(s => s.Value.Explicit).Select(s => new ServiceSaved(s.Key, s.Value.Definition) { Revision = s.Value.Revision }));
            state.AddRange(_instances.Select(i => new InstanceSaved(i.Key.Item1, i.Value.Instance, null, InstanceSaveReason.Registered, true) { Revision = i.Value.Revision }));
            foreach (var (key, (item, deleted, revision, version)) in _configs)
            {
                var entry = new ConfigHistoryEntry(key, version, deleted ? ConfigOperation.Delete : ConfigOperation.Publish, item.Md5, item.Type, "", "", item.ModifiedAt);
                state.Add(deleted ? new ConfigRemoved(item, entry) { Revision = revision } : new ConfigSaved(item, entry) { Revision = revision });
            }

            return Task.FromResult(new StoredState(_revision, state, [.. _log]));
        }
    }

    public async Task<IReadOnlyList<CommitOutcome>> CommitAsync(IReadOnlyList<ChangeRequest> batch, DateTimeOffset at, CancellationToken cancellationToken)
    {
        if (Hold is { } hold)
        {
            Holding.TrySetResult();
            await hold.Task;
        }

        lock (_gate)
        {
            if (FailWrites)
            {
                throw new IOException("No space left on device");
            }

            Batches.Add(batch.Count);
            var outcomes = new CommitOutcome[batch.Count];
            for (var i = 0; i < batch.Count; i++)
            {
                var failed = batch[i].Preconditions.FirstOrDefault(p => !Holds(p));
                if (failed is not null)
                {
                    outcomes[i] = CommitOutcome.Rejected(failed.FailureMessage);
                    continue;
                }

                var committed = batch[i].Change.Stamp(++_revision, at);
                Write(committed);
                outcomes[i] = CommitOutcome.Of(committed);
            }

            return outcomes;
        }
    }

    public Task<IReadOnlyList<Change>> ReadAfterAsync(long revision, int limit, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<Change>>([.. _log.Where(c => c.Revision > revision).Take(limit)]);
        }
    }

    public Task<int> CompactAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_log.RemoveAll(c => c.At < cutoff));
        }
    }

    public Task<ConfigHistoryPage> ListHistoryAsync(ConfigKey key, int offset, int limit, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var all = _history.Where(h => h.Entry.Key == key).OrderByDescending(h => h.Entry.Version).Select(h => h.Entry).ToList();
            return Task.FromResult(new ConfigHistoryPage(all.Count, [.. all.Skip(offset).Take(limit)]));
        }
    }

    public Task<ConfigHistoryRecord?> GetHistoryAsync(ConfigKey key, long version, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_history.FirstOrDefault(h => h.Entry.Key == key && h.Entry.Version == version));
        }
    }

    public Task<int> PurgeHistoryAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Purges.Add(cutoff);
            return Task.FromResult(_history.RemoveAll(h => h.Entry.ChangedAt < cutoff));
        }
    }

    private bool Holds(Precondition precondition) => precondition switch
    {
        NamespaceExists p => p.Namespace == ServiceKey.DefaultNamespace || _namespaces.ContainsKey(p.Namespace),
        NamespaceEmpty p => !_instances.Keys.Any(k => k.Item1.Namespace == p.Namespace) &&
            !_services.Any(s => s.Key.Namespace == p.Namespace && s.Value.Explicit) &&
            !_configs.Any(c => c.Key.Namespace == p.Namespace && !c.Value.Deleted),
        RevisionIs p => StoredRevision(p.Entity) == p.Expected,
        _ => throw new ArgumentOutOfRangeException(nameof(precondition)),
    };

    private long StoredRevision(EntityRef e) => e.Kind switch
    {
        EntityKind.Namespace => _namespaces.TryGetValue(e.Namespace, out var n) ? n.Revision : 0,
        EntityKind.Service => _services.TryGetValue(new ServiceKey(e.Namespace, e.Group, e.Name), out var s) ? s.Revision : 0,
        EntityKind.Instance => _instances.TryGetValue((new ServiceKey(e.Namespace, e.Group, e.Name), e.Item), out var i) ? i.Revision : 0,
        EntityKind.Config => _configs.TryGetValue(new ConfigKey(e.Namespace, e.Group, e.Name), out var c) ? c.Revision : 0,
        _ => 0,
    };

    private void Write(Change change)
    {
        switch (change)
        {
            case NamespaceSaved c:
                _namespaces[c.Namespace.Id] = (c.Namespace, c.Revision);
                break;
            case NamespaceRemoved c:
                _namespaces.Remove(c.Id);
                break;
            case ServiceSaved c:
                _services[c.Key] = (c.Definition, true, c.Revision);
                break;
            case ServiceRemoved c:
                _services.Remove(c.Key);
                break;
            case InstanceSaved c:
                _instances[(c.Key, c.Instance.InstanceId)] = (c.Instance, c.Revision);
                _services[c.Key] = _services.TryGetValue(c.Key, out var s)
                    ? (s.Definition, s.Explicit || !c.Instance.Ephemeral, c.Revision)
                    : (ServiceDefinition.Default, !c.Instance.Ephemeral, c.Revision);
                break;
            case InstanceRemoved c:
                _instances.Remove((c.Key, c.Instance.InstanceId));
                if (_services.TryGetValue(c.Key, out var owner))
                {
                    _services[c.Key] = owner with { Revision = c.Revision };
                }

                break;
            case ConfigSaved c:
                _configs[c.Item.Key] = (c.Item, false, c.Revision, c.Item.Version);
                _history.Add(new ConfigHistoryRecord(c.Entry, c.Item.Content, c.Item.AppName, c.Item.Tags, c.Item.Description));
                break;
            case ConfigRemoved c:
                _configs[c.Last.Key] = (c.Last, true, c.Revision, c.Entry.Version);
                _history.Add(new ConfigHistoryRecord(c.Entry, c.Last.Content, c.Last.AppName, c.Last.Tags, c.Last.Description));
                break;
        }

        _log.Add(change);
    }
}
