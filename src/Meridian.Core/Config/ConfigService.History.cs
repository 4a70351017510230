using DiffPlex.Renderer;
using Meridian.Auth;
using Meridian.Validation;

namespace Meridian.Config;

public sealed partial class ConfigService
{
    public Task<ConfigHistoryPage> ListHistoryAsync(ConfigKey key, int pageNo, int pageSize, Caller caller, CancellationToken cancellationToken)
    {
        ConfigRules.ThrowIfInvalid(key);
        caller.Demand(key, AccessActions.Read);
        return history.ListHistoryAsync(key, (Math.Max(1, pageNo) - 1) * pageSize, pageSize, cancellationToken);
    }

    public async Task<ConfigHistoryRecord> GetVersionAsync(ConfigKey key, long version, Caller caller, CancellationToken cancellationToken)
    {
        ConfigRules.ThrowIfInvalid(key);
        caller.Demand(key, AccessActions.Read);
        return await history.GetHistoryAsync(key, version, cancellationToken) ?? throw VersionNotFound(key, version);
    }

    /// <summary>A unified line diff (3 lines of context) from one version's content to another's; <paramref name="to"/> defaults to the current version.</summary>
    public async Task<ConfigDiff> DiffAsync(ConfigKey key, long from, long? to, Caller caller, CancellationToken cancellationToken)
    {
        ConfigRules.ThrowIfInvalid(key);
        caller.Demand(key, AccessActions.Read);
        var target = to ?? configs.Get(key)?.Version ?? throw InvalidInputException.For(
            "to", $"Config '{key}' does not exist now; name the version to compare with in 'to'.");
        var old = await ContentOfAsync(key, from, "from", cancellationToken);
        var now = await ContentOfAsync(key, target, "to", cancellationToken);
        var identical = string.Equals(old, now, StringComparison.Ordinal);
        var unified = identical ? "" : UnidiffRenderer.GenerateUnidiff(
            WithoutFinalNewline(old), WithoutFinalNewline(now), $"{key.DataId}@{from}", $"{key.DataId}@{target}", false, false, 3);
        return new ConfigDiff(key, from, target, identical, unified);
    }

    /// <summary>Publishes the content and settings of an earlier version as a new version.</summary>
    public async Task<ConfigItem> RollbackAsync(ConfigKey key, long version, Caller caller, CancellationToken cancellationToken)
    {
        caller.Demand(key, AccessActions.Write);
        var record = await GetVersionAsync(key, version, caller, cancellationToken);
        if (record.Entry.Operation == ConfigOperation.Delete)
        {
            throw InvalidInputException.For("version",
                $"Version {version} of '{key}' is a deletion; roll back to the version before it ({version - 1}) to restore the deleted content.");
        }

        var draft = new ConfigDraft(record.Content, record.Entry.Type, record.AppName, record.Tags, record.Description);
        return (await WriteAsync(key, draft, caller, ConfigOperation.Rollback, cancellationToken)).Item;
    }

    /// <summary>Removes history older than <see cref="ConfigOptions.HistoryRetention"/>; returns how many rows went.</summary>
    public Task<int> PurgeHistoryAsync(CancellationToken cancellationToken) =>
        history.PurgeHistoryAsync(time.GetUtcNow() - _options.HistoryRetention, cancellationToken);

    private async Task<string> ContentOfAsync(ConfigKey key, long version, string field, CancellationToken cancellationToken)
    {
        // The current version is served from the cache: its history row may already be past retention.
        if (configs.Get(key) is { } current && current.Version == version)
        {
            return current.Content;
        }

        var record = await history.GetHistoryAsync(key, version, cancellationToken)
            ?? throw InvalidInputException.For(field, $"Version {version} of '{key}' is not in its history (never made, or older than the retention).");
        return record.Content;
    }

    /// <summary>The differ counts the empty piece after a final newline as a line of its own; diff(1) does not.</summary>
    private static string WithoutFinalNewline(string text) =>
        text.EndsWith("\r\n", StringComparison.Ordinal) ? text[..^2] : text.EndsWith('\n') ? text[..^1] : text;

    private static NotFoundException VersionNotFound(ConfigKey key, long version) =>
        new($"Version {version} of config '{key}' is not in its history (never made, or older than the retention).");
}
