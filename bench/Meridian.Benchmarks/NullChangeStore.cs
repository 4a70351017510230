using Meridian.Changes;
using Meridian.Persistence;

namespace Meridian.Benchmarks;

/// <summary>A store that keeps nothing but the revision counter, so benchmarks measure the core alone.</summary>
internal sealed class NullChangeStore : IChangeStore, IConfigHistoryStore
{
    private long _revision;

    public Task<StoredState> LoadAsync(CancellationToken cancellationToken) => Task.FromResult(new StoredState(0, [], []));

    public Task<IReadOnlyList<CommitOutcome>> CommitAsync(IReadOnlyList<ChangeRequest> batch, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var outcomes = new CommitOutcome[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            outcomes[i] = CommitOutcome.Of(batch[i].Change.Stamp(++_revision, at));
        }

        return Task.FromResult<IReadOnlyList<CommitOutcome>>(outcomes);
    }

    public Task<IReadOnlyList<Change>> ReadAfterAsync(long revision, int limit, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<Change>>([]);

    public Task<int> CompactAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) => Task.FromResult(0);

    public Task<Meridian.Config.ConfigHistoryPage> ListHistoryAsync(Meridian.Config.ConfigKey key, int offset, int limit, CancellationToken cancellationToken) =>
        Task.FromResult(new Meridian.Config.ConfigHistoryPage(0, []));

    public Task<Meridian.Config.ConfigHistoryRecord?> GetHistoryAsync(Meridian.Config.ConfigKey key, long version, CancellationToken cancellationToken) =>
        Task.FromResult<Meridian.Config.ConfigHistoryRecord?>(null);

    public Task<int> PurgeHistoryAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) => Task.FromResult(0);
}
