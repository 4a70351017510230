using Meridian.Auth;
using Meridian.Namespaces;
using Meridian.Validation;

namespace Meridian.Config.Transfer;

/// <summary>What an import or a clone does with a config that already exists in the target namespace.</summary>
public enum ConflictPolicy
{
    /// <summary>Nothing is written if any config exists already (409 naming them).</summary>
    Abort,

    /// <summary>Existing configs are left as they are.</summary>
    Skip,

    /// <summary>Existing configs are replaced (a new version each).</summary>
    Overwrite,
}

/// <summary>One config an import or clone could not write, and why.</summary>
public sealed record TransferFailure(ConfigKey Key, string Reason);

/// <summary>What an import or clone did with each config.</summary>
public sealed record TransferReport(
    IReadOnlyList<ConfigKey> Created, IReadOnlyList<ConfigKey> Skipped, IReadOnlyList<ConfigKey> Overwritten, IReadOnlyList<TransferFailure> Failed);

/// <summary>
/// Moves configs in bulk: export to an archive, import from one, clone from namespace to namespace. Each config is read
/// and written through the same checks a single read or publish makes: every config is read-checked on its source and
/// write-checked on its target before anything is written, so a caller missing a right on one gets 403 and nothing changes.
/// </summary>
public sealed class ConfigTransfer(ConfigService commands, ConfigProjection configs, NamespaceCatalog namespaces)
{
    /// <summary>The configs of a namespace the caller may read, matching the patterns (as a search takes them).</summary>
    public IReadOnlyList<ArchivedConfig> Export(string ns, string? group, string? dataId, Caller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        namespaces.RequireExisting(ns);
        var page = configs.Search(new ConfigQuery(ns, dataId, group, PageNo: 1, PageSize: int.MaxValue), caller);
        return [.. page.Items.Select(i => new ArchivedConfig(i.Key.Group, i.Key.DataId, i.Content, ConfigTypes.Name(i.Type), i.AppName, i.Description, i.Tags))];
    }

    /// <summary>Publishes an archive's configs into <paramref name="ns"/>.</summary>
    public Task<TransferReport> ImportAsync(string ns, IReadOnlyList<ArchivedConfig> archive, ConflictPolicy policy, Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(archive);
        ArgumentNullException.ThrowIfNull(caller);
        var errors = new ValidationErrors();
        Rules.Name(errors, "namespace", ns);
        errors.ThrowIfAny();
        namespaces.RequireExisting(ns);
        var items = new List<(ConfigKey, ConfigDraft)>(archive.Count);
        foreach (var config in archive)
        {
            var key = new ConfigKey(ns, config.Group, config.DataId);
            ConfigType? type = ConfigTypes.TryParse(config.Type, out var parsed) ? parsed : null;
            items.Add((key, new ConfigDraft(config.Content, type, config.AppName, config.Tags, config.Description)));
        }

        return WriteAllAsync(items, policy, caller, cancellationToken);
    }

    /// <summary>Copies configs of <paramref name="source"/> (by group and data id) into <paramref name="target"/>, content and metadata alike.</summary>
    public Task<TransferReport> CloneAsync(string source, IReadOnlyList<(string Group, string DataId)> keys, string target, ConflictPolicy policy,
        Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(caller);
        var errors = new ValidationErrors();
        Rules.Name(errors, "namespace", source);
        Rules.Name(errors, "targetNamespace", target);
        if (source == target)
        {
            errors.Add("targetNamespace", $"'targetNamespace' must differ from the namespace cloned from ('{source}').");
        }

        if (keys.Count == 0)
        {
            errors.Add("configs", "'configs' must name at least one config to clone: {group, dataId}.");
        }

        for (var i = 0; i < keys.Count; i++)
        {
            Rules.Name(errors, $"configs[{i}].group", keys[i].Group);
            Rules.Name(errors, $"configs[{i}].dataId", keys[i].DataId);
        }

        errors.ThrowIfAny();
        namespaces.RequireExisting(source);
        namespaces.RequireExisting(target);
        var items = new List<(ConfigKey, ConfigDraft)>(keys.Count);
        foreach (var (groupName, dataId) in keys.Distinct())
        {
            var origin = new ConfigKey(source, groupName, dataId);
            var item = configs.Require(origin, caller);
            items.Add((origin with { Namespace = target }, new ConfigDraft(item.Content, item.Type, item.AppName, item.Tags, item.Description)));
        }

        return WriteAllAsync(items, policy, caller, cancellationToken);
    }

    private async Task<TransferReport> WriteAllAsync(List<(ConfigKey Key, ConfigDraft Draft)> items, ConflictPolicy policy, Caller caller,
        CancellationToken cancellationToken)
    {
        var duplicates = items.GroupBy(i => i.Key).Where(g => g.Count() > 1).Select(g => g.Key.ToString()).ToList();
        if (duplicates.Count > 0)
        {
            throw InvalidInputException.For("configs", $"Each config may come once; these come more than once: {string.Join(", ", duplicates)}.");
        }

        foreach (var (key, _) in items)
        {
            caller.Demand(key, AccessActions.Write);
        }

        if (policy == ConflictPolicy.Abort && items.Where(i => configs.Get(i.Key) is not null).Select(i => i.Key.ToString()).ToList() is { Count: > 0 } existing)
        {
            throw new ConflictException(
                $"{existing.Count} of the configs exist already in the target ({string.Join(", ", existing.Take(20))}{(existing.Count > 20 ? ", ..." : "")}); " +
                "nothing was written. Choose the policy 'skip' to keep them or 'overwrite' to replace them.");
        }

        var created = new List<ConfigKey>();
        var skipped = new List<ConfigKey>();
        var overwritten = new List<ConfigKey>();
        var failed = new List<TransferFailure>();
        foreach (var (key, draft) in items)
        {
            // Skip and abort create only (a compare-and-set on "absent"), so a config made meanwhile is never overwritten.
            var write = policy == ConflictPolicy.Overwrite ? draft : draft with { ExpectedMd5 = ConfigMd5.Absent };
            try
            {
                var published = await commands.PublishConfigAsync(key, write, caller, cancellationToken);
                (published.Created ? created : overwritten).Add(key);
            }
            catch (ConflictException) when (policy == ConflictPolicy.Skip)
            {
                skipped.Add(key);
            }
            catch (MeridianException e) when (e is InvalidInputException or ConflictException or LimitExceededException)
            {
                failed.Add(new TransferFailure(key, e is InvalidInputException invalid ? string.Join(" ", invalid.Errors.SelectMany(p => p.Value)) : e.Message));
            }
        }

        return new TransferReport(created, skipped, overwritten, failed);
    }
}
