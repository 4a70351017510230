using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Meridian.Client.Configuration;

/// <summary>
/// Loads the application's configs from Meridian in precedence order, keeps them current with a long-poll, and swaps
/// the merged values in atomically. Reloads only when the merged values really change.
/// </summary>
internal sealed class MeridianConfigurationProvider : ConfigurationProvider, IMeridianConfigurationRefresher, IDisposable
{
    private readonly IReadOnlyList<ConfigSource> _sources;
    private readonly MeridianConfigHttp _http;
    private readonly ConfigSnapshots _snapshots;
    private readonly MeridianConfigOptions _options;
    private readonly DeferredLogger _log;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _refreshGate = new(1, 1);
    private readonly ConfigMetrics _metrics = new();
    private Task? _polling;

    public MeridianConfigurationProvider(
        IReadOnlyList<ConfigSource> sources, MeridianConfigHttp http, ConfigSnapshots snapshots, MeridianConfigOptions options,
        DeferredLogger log, TimeProvider time)
    {
        _sources = sources;
        _http = http;
        _snapshots = snapshots;
        _options = options;
        _log = log;
        _time = time;
        Status = new ConfigSourceStatus(ConfigSourceState.NotLoaded, null, null, "Not loaded yet.");
    }

    public ConfigSourceStatus Status { get; private set; }

    public IReadOnlyList<string> DataIds => [.. _sources.Select(s => s.DataId)];

    public override void Load()
    {
        // IConfigurationProvider.Load is synchronous; it runs once at start, before anything serves.
        LoadAllAsync(_stopping.Token).GetAwaiter().GetResult();
        if (_polling is null && _sources.Any(s => s.Refresh))
        {
            _polling = Task.Run(() => PollAsync(_stopping.Token));
        }
    }

    public async Task<bool> TryRefreshAsync(CancellationToken cancellationToken)
    {
        try
        {
            await RefreshAsync(_sources.Where(s => s.Refresh), cancellationToken);
            return true;
        }
        catch (HttpRequestException e)
        {
            Failed(e);
            return false;
        }
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _http.Dispose();
        _metrics.Dispose();
        _stopping.Dispose();
    }

    private async Task LoadAllAsync(CancellationToken cancellationToken)
    {
        var fromSnapshot = new List<string>();
        foreach (var source in _sources)
        {
            try
            {
                var remote = await _http.GetAsync(source, cancellationToken);
                if (remote is null && source.Required)
                {
                    throw new InvalidOperationException(
                        $"Meridian config {source} is required but does not exist on {_http.CurrentServer}. Publish it, or mark it not required.");
                }

                Apply(source, remote?.Content, remote?.Md5 ?? "", snapshot: true);
            }
            catch (HttpRequestException e)
            {
                var saved = _snapshots.Load(source);
                if (saved is null)
                {
                    if (source.Required)
                    {
                        throw new InvalidOperationException(
                            $"Meridian config {source} is required, but no server answered ({_http.ServerList}: {e.Message}) and there is no snapshot at {_snapshots.PathOf(source)}. Start a Meridian server or check Meridian:ServerAddresses.",
                            e);
                    }

                    _log.Warning($"Meridian config {source} could not be loaded ({e.Message}) and has no snapshot; its keys are absent until a server answers.");
                    continue;
                }

                Apply(source, saved, ConfigSnapshots.Md5(saved), snapshot: false);
                fromSnapshot.Add(source.DataId);
            }
        }

        Data = Merge();
        Status = fromSnapshot.Count == 0
            ? new ConfigSourceStatus(ConfigSourceState.Current, _time.GetUtcNow(), _time.GetUtcNow(), $"Loaded {_sources.Count} config(s) from {_http.CurrentServer}.")
            : new ConfigSourceStatus(ConfigSourceState.FromSnapshot, null, _time.GetUtcNow(), $"Server unreachable; {string.Join(", ", fromSnapshot)} loaded from snapshots in {_snapshots.Directory}.");
        if (fromSnapshot.Count > 0)
        {
            _log.Warning($"Meridian servers ({_http.ServerList}) unreachable at start: using snapshots of {string.Join(", ", fromSnapshot)} from {_snapshots.Directory}. Values refresh when a server answers.");
        }
    }

    private async Task PollAsync(CancellationToken cancellationToken)
    {
        var refreshable = _sources.Where(s => s.Refresh).ToList();
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (Status.State == ConfigSourceState.FromSnapshot)
                {
                    // Back from an outage: the snapshot may be old, so read everything once instead of waiting for a change.
                    await RefreshAsync(refreshable, cancellationToken);
                }

                var changed = await _http.ListenAsync(refreshable, _options.LongPollTimeout, cancellationToken);
                var stale = refreshable.Where(s => changed.Any(c => c.DataId == s.DataId && c.Group == s.Group && c.Namespace == s.Namespace)).ToList();
                if (stale.Count > 0)
                {
                    await RefreshAsync(stale, cancellationToken);
                }
                else
                {
                    Status = Status with { State = ConfigSourceState.Current, LastContact = _time.GetUtcNow() };
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (HttpRequestException e)
            {
                Failed(e);
                try
                {
                    await Task.Delay(_options.RetryDelay, _time, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task RefreshAsync(IEnumerable<ConfigSource> sources, CancellationToken cancellationToken)
    {
        await _refreshGate.WaitAsync(cancellationToken);
        try
        {
            foreach (var source in sources)
            {
                var remote = await _http.GetAsync(source, cancellationToken);
                Apply(source, remote?.Content, remote?.Md5 ?? "", snapshot: true);
            }

            var merged = Merge();
            Status = new ConfigSourceStatus(ConfigSourceState.Current, _time.GetUtcNow(), _time.GetUtcNow(), $"Current with {_http.CurrentServer}.");
            if (!SameValues(merged, Data))
            {
                Data = merged;
                _metrics.Reloaded();
                OnReload();
            }
        }
        finally
        {
            _refreshGate.Release();
        }
    }

    /// <summary>Takes new content for one config, keeping its last good values when the content does not parse.</summary>
    private void Apply(ConfigSource source, string? content, string md5, bool snapshot)
    {
        if (content is null)
        {
            source.Values = new Dictionary<string, string?>();
            source.Md5 = "";
            if (snapshot)
            {
                SaveSnapshot(source, null);
            }

            return;
        }

        try
        {
            source.Values = ConfigFormats.Parse(source.Format, content);
            if (snapshot)
            {
                SaveSnapshot(source, content);
            }
        }
        catch (FormatException e)
        {
            _metrics.Rejected(source.DataId);
            _log.Error($"Meridian config {source} does not parse as {source.Format} ({e.Message}); keeping its last good values. Fix and republish it.");
        }

        // Remember the md5 even when parsing failed, so the poll waits for the next change instead of spinning on this one.
        source.Md5 = md5;
    }

    private void SaveSnapshot(ConfigSource source, string? content)
    {
        try
        {
            _snapshots.Save(source, content);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _log.Warning($"Meridian config {source} could not be saved to {_snapshots.PathOf(source)} ({e.Message}); a start without a server will lack it. Check Meridian:Config:SnapshotDirectory.");
        }
    }

    private Dictionary<string, string?> Merge()
    {
        var merged = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var source in _sources)
        {
            foreach (var (key, value) in source.Values)
            {
                merged[key] = value;
            }
        }

        return merged;
    }

    private void Failed(HttpRequestException e)
    {
        // Values that came from a snapshot stay marked so until a server has confirmed them.
        _metrics.FetchFailed();
        var state = Status.State == ConfigSourceState.FromSnapshot ? ConfigSourceState.FromSnapshot : ConfigSourceState.Unreachable;
        Status = Status with { State = state, Message = e.Message };
        _log.Warning($"Meridian config poll failed: {e.Message}. Serving the last values; retrying. Check that a server in Meridian:ServerAddresses is up.");
    }

    private static bool SameValues(IDictionary<string, string?> a, IDictionary<string, string?> b) =>
        a.Count == b.Count && a.All(p => b.TryGetValue(p.Key, out var v) && v == p.Value);
}
