using System.Text;
using Meridian.Auth;
using Meridian.Changes;
using Meridian.Limits;
using Meridian.Namespaces;
using Meridian.Persistence;
using Meridian.Validation;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Meridian.Config;

/// <summary>
/// The configuration center's commands. Each write of a key waits for that key's earlier writes on this node, decides
/// against the <see cref="ConfigProjection"/> (compare-and-set, unchanged content, the next version), and appends one
/// change to the log with the key's revision as it read it, which the store checks in the committing transaction.
/// </summary>
public sealed partial class ConfigService(
    ChangeLog log,
    ConfigProjection configs,
    NamespaceCatalog namespaces,
    IConfigHistoryStore history,
    TimeProvider time,
    IOptions<ConfigOptions> options,
    IOptions<LimitOptions> limits,
    Telemetry.ServerMetrics metrics,
    ILogger<ConfigService> logger)
{
    private readonly KeyedGate _gates = new();
    private readonly ConfigOptions _options = options.Value;

    public async Task<ConfigItem> PublishAsync(ConfigKey key, ConfigDraft draft, Caller caller, CancellationToken cancellationToken) =>
        (await WriteAsync(key, draft, caller, ConfigOperation.Publish, cancellationToken)).Item;

    /// <summary>As <see cref="PublishAsync"/>, and says whether the config did not exist before.</summary>
    public Task<ConfigPublished> PublishConfigAsync(ConfigKey key, ConfigDraft draft, Caller caller, CancellationToken cancellationToken) =>
        WriteAsync(key, draft, caller, ConfigOperation.Publish, cancellationToken);

    public async Task DeleteAsync(ConfigKey key, Caller caller, CancellationToken cancellationToken)
    {
        try
        {
            await RemoveAsync(key, caller, cancellationToken);
        }
        catch (MeridianException e) when (e is not StorageUnavailableException)
        {
            LogRefused(ConfigOperation.Delete, key, caller?.Name ?? "", caller?.SourceAddress ?? "", Reason(e));
            throw;
        }
    }

    private async Task RemoveAsync(ConfigKey key, Caller caller, CancellationToken cancellationToken)
    {
        ConfigRules.ThrowIfInvalid(key);
        ArgumentNullException.ThrowIfNull(caller);
        caller.Demand(key, AccessActions.Write);
        using (await _gates.EnterAsync(key, cancellationToken))
        {
            var current = configs.Require(key);
            var version = configs.LastVersionOf(key) + 1;
            var entry = new ConfigHistoryEntry(key, version, ConfigOperation.Delete, current.Md5, current.Type, caller.Name,
                caller.SourceAddress, time.GetUtcNow());
            await log.AppendAsync(new ChangeRequest(new ConfigRemoved(current, entry), Unchanged(key)), cancellationToken);
            metrics.ConfigDeleted();
            LogChanged(ConfigOperation.Delete, key, version, caller.Name, caller.SourceAddress);
        }
    }

    /// <summary>One line per write for operators: which config, which version, who from where; refusals say why.</summary>
    private async Task<ConfigPublished> WriteAsync(ConfigKey key, ConfigDraft draft, Caller caller, ConfigOperation operation,
        CancellationToken cancellationToken)
    {
        try
        {
            return await StoreAsync(key, draft, caller, operation, cancellationToken);
        }
        catch (MeridianException e) when (e is not StorageUnavailableException)
        {
            LogRefused(operation, key, caller?.Name ?? "", caller?.SourceAddress ?? "", Reason(e));
            throw;
        }
    }

    private static string Reason(MeridianException e) =>
        e is InvalidInputException invalid ? string.Join(" ", invalid.Errors.SelectMany(p => p.Value)) : e.Message;

    [LoggerMessage(Level = LogLevel.Information, Message = "Config {Key}: {Operation} as version {Version} by {Caller} from {Address}")]
    private partial void LogChanged(ConfigOperation operation, ConfigKey key, long version, string caller, string address);

    [LoggerMessage(Level = LogLevel.Information, Message = "Config {Key}: {Operation} by {Caller} from {Address} refused: {Reason}")]
    private partial void LogRefused(ConfigOperation operation, ConfigKey key, string caller, string address, string reason);

    private async Task<ConfigPublished> StoreAsync(ConfigKey key, ConfigDraft draft, Caller caller, ConfigOperation operation,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(draft);
        ArgumentNullException.ThrowIfNull(caller);
        caller.Demand(key, AccessActions.Write);
        using var activity = metrics.Activities.StartActivity("meridian.publish");
        activity?.SetTag("meridian.config", key.ToString());
        var errors = new ValidationErrors();
        ConfigRules.Key(errors, key);

        // Parsing is the expensive part, so it runs before queueing behind other writers of the key. The type it checked
        // against is the type stored, even if a concurrent publish changes the current one meanwhile.
        var type = draft.Type ?? configs.Get(key)?.Type ?? ConfigTypes.FromDataId(key.DataId);
        ConfigRules.Draft(errors, draft, type, _options.MaxContentBytes);
        errors.ThrowIfAny();
        namespaces.RequireExisting(key.Namespace);

        // Only a valid key of an existing namespace joins the projection's shared names: refused writes add nothing to it.
        key = configs.Canonical(key);
        using (await _gates.EnterAsync(key, cancellationToken))
        {
            var current = configs.Get(key);
            CheckExpected(key, draft.ExpectedMd5, current);
            CheckExpectedVersion(key, draft.ExpectedVersion, current);
            if (current is null)
            {
                Quota.ThrowIfReached(configs.CountIn(key.Namespace), limits.Value.MaxConfigsPerNamespace,
                    nameof(LimitOptions.MaxConfigsPerNamespace), $"Namespace '{key.Namespace}'", metrics);
            }

            var appName = draft.AppName ?? current?.AppName ?? "";
            var tags = draft.Tags ?? current?.Tags ?? [];
            var description = draft.Description ?? current?.Description ?? "";
            var utf8 = Encoding.UTF8.GetBytes(draft.Content);
            if (current is not null && current.SameAs(utf8, type, appName, tags, description))
            {
                return new ConfigPublished(current, Created: false);
            }

            var now = time.GetUtcNow();
            var version = configs.LastVersionOf(key) + 1;
            var item = ConfigItem.Create(key, utf8, type, appName, tags, description, current?.CreatedAt ?? now, now, version);
            var entry = new ConfigHistoryEntry(key, version, operation, item.Md5, type, caller.Name, caller.SourceAddress, now);
            var committed = (ConfigSaved)await log.AppendAsync(
                new ChangeRequest(
                    new ConfigSaved(item, entry),
                    new NamespaceExists(key.Namespace, $"Namespace '{key.Namespace}' does not exist (it was deleted meanwhile)."),
                    Unchanged(key)),
                cancellationToken);
            metrics.Published();
            LogChanged(operation, key, committed.Item.Version, caller.Name, caller.SourceAddress);
            return new ConfigPublished(committed.Item, Created: current is null);
        }
    }

    /// <summary>The store must still hold the revision this node read, so a write made elsewhere meanwhile is never overwritten.</summary>
    private RevisionIs Unchanged(ConfigKey key) =>
        new(EntityRef.OfConfig(key), configs.RevisionOf(key),
            $"Config '{key}' was changed by someone else meanwhile; read it again and retry.");

    private static void CheckExpectedVersion(ConfigKey key, long? expected, ConfigItem? current)
    {
        if (expected is null || current?.Version == expected)
        {
            return;
        }

        throw new ConflictException(current is null
            ? $"Config '{key}' does not exist, but version {expected} was expected; publish without an expected version to create it."
            : $"Config '{key}' is at version {current.Version}, not the expected {expected}: someone changed it since you read it. Read it again and retry.");
    }

    private static void CheckExpected(ConfigKey key, string? expected, ConfigItem? current)
    {
        if (expected is null)
        {
            return;
        }

        var actual = current?.Md5 ?? ConfigMd5.Absent;
        if (!string.Equals(expected, actual, StringComparison.Ordinal))
        {
            throw new ConflictException((expected.Length == 0, current is null) switch
            {
                (true, _) => $"Config '{key}' already exists (md5 {actual}); read it and publish with its md5 to replace it.",
                (_, true) => $"Config '{key}' does not exist, but md5 {expected} was expected; publish with expectedMd5 \"\" to create it.",
                _ => $"Config '{key}' has md5 {actual}, not the expected {expected}: someone changed it since you read it. Read it again and retry.",
            });
        }
    }
}
