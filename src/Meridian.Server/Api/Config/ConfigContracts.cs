using Meridian.Config;

namespace Meridian.Server.Api.Config;

/// <summary>
/// A publish. Absent type, appName, tags or description keep the current value; <c>expectedMd5</c> and
/// <c>expectedVersion</c> make it a compare-and-set; see <see cref="ConfigDraft"/>.
/// </summary>
public sealed record ConfigPublishRequest(
    string? Content,
    string? Type = null,
    string? AppName = null,
    List<string>? Tags = null,
    string? Description = null,
    string? ExpectedMd5 = null,
    long? ExpectedVersion = null);

public sealed record ConfigResponse(
    string Namespace, string Group, string DataId, string Content, string Md5, string Type, string AppName, IReadOnlyList<string> Tags,
    string Description, DateTimeOffset CreatedAt, DateTimeOffset ModifiedAt, long Version, long Revision)
{
    public static ConfigResponse From(ConfigItem i) => new(i.Key.Namespace, i.Key.Group, i.Key.DataId, i.Content, i.Md5, ConfigTypes.Name(i.Type),
        i.AppName, i.Tags, i.Description, i.CreatedAt, i.ModifiedAt, i.Version, i.Revision);
}

/// <summary>A search hit: everything but the content, which is fetched per config.</summary>
public sealed record ConfigSummaryResponse(
    string Namespace, string Group, string DataId, string Md5, string Type, string AppName, IReadOnlyList<string> Tags, string Description,
    int Size, DateTimeOffset ModifiedAt, long Version)
{
    public static ConfigSummaryResponse From(ConfigItem i) => new(i.Key.Namespace, i.Key.Group, i.Key.DataId, i.Md5, ConfigTypes.Name(i.Type),
        i.AppName, i.Tags, i.Description, i.Utf8Content.Length, i.ModifiedAt, i.Version);
}

public sealed record ConfigPageResponse(int Total, int PageNo, int PageSize, IReadOnlyList<ConfigSummaryResponse> Items);

public sealed record ConfigHistoryEntryResponse(
    long Version, string Operation, string Md5, string Type, string User, string SourceAddress, DateTimeOffset ChangedAt)
{
    public static ConfigHistoryEntryResponse From(ConfigHistoryEntry e) =>
        new(e.Version, OperationName(e.Operation), e.Md5, ConfigTypes.Name(e.Type), e.User, e.SourceAddress, e.ChangedAt);

    internal static string OperationName(ConfigOperation operation) => operation switch
    {
        ConfigOperation.Delete => "delete",
        ConfigOperation.Rollback => "rollback",
        _ => "publish",
    };
}

public sealed record ConfigHistoryPageResponse(int Total, int PageNo, int PageSize, IReadOnlyList<ConfigHistoryEntryResponse> Items);

public sealed record ConfigVersionResponse(
    long Version, string Operation, string Md5, string Type, string User, string SourceAddress, DateTimeOffset ChangedAt,
    string Content, string AppName, IReadOnlyList<string> Tags, string Description)
{
    public static ConfigVersionResponse From(ConfigHistoryRecord r) => new(r.Entry.Version,
        ConfigHistoryEntryResponse.OperationName(r.Entry.Operation), r.Entry.Md5, ConfigTypes.Name(r.Entry.Type), r.Entry.User,
        r.Entry.SourceAddress, r.Entry.ChangedAt, r.Content, r.AppName, r.Tags, r.Description);
}

/// <summary><see cref="Unified"/> is a unified line diff with 3 lines of context; empty when the versions hold the same content.</summary>
public sealed record ConfigDiffResponse(long From, long To, bool Identical, string Unified);

public sealed record ConfigRollbackRequest(long? Version);

/// <summary>A long-poll: the configs the client holds with their MD5s (<c>""</c> or absent for one it does not have).</summary>
public sealed record ConfigListenRequest(long? TimeoutMs, string? ClientId, List<ListenedConfigRequest>? Keys);

/// <summary>
/// An absent namespace means <c>public</c>, an absent group <c>DEFAULT_GROUP</c>. With <see cref="Revision"/> (the
/// revision of the version the client holds, as a read or an earlier answer gave it) any change committed after it
/// answers, even one back to the same content; otherwise a different MD5 does.
/// </summary>
public sealed record ListenedConfigRequest(string? Namespace, string? Group, string? DataId, string? Md5, long? Revision = null);

/// <summary>The configs that changed since the client's MD5 or revision, with the current MD5 (<c>""</c>: deleted) and revision. Empty on timeout.</summary>
public sealed record ConfigListenResponse(IReadOnlyList<ChangedConfigResponse> Changed);

public sealed record ChangedConfigResponse(string Namespace, string Group, string DataId, string Md5, long Revision);

public sealed record ConfigListenerResponse(string ClientId, string Address, string Md5, DateTimeOffset Since);

/// <summary>One config a client long-polls, with the md5 it holds.</summary>
public sealed record ClientListeningResponse(string Namespace, string Group, string DataId, string ClientId, string Address, string Md5, DateTimeOffset Since);

/// <summary>Configs of this namespace to copy into <see cref="TargetNamespace"/>; <see cref="Policy"/>: abort (default), skip or overwrite.</summary>
public sealed record ConfigCloneRequest(string? TargetNamespace, string? Policy, List<ConfigRefRequest?>? Configs);

/// <summary>An absent group means <c>DEFAULT_GROUP</c>.</summary>
public sealed record ConfigRefRequest(string? Group, string? DataId);

public sealed record ConfigRefResponse(string Namespace, string Group, string DataId)
{
    public static ConfigRefResponse From(ConfigKey k) => new(k.Namespace, k.Group, k.DataId);
}

public sealed record ConfigTransferFailureResponse(string Namespace, string Group, string DataId, string Reason);

/// <summary>What an import or clone did with each config.</summary>
public sealed record ConfigTransferResponse(
    IReadOnlyList<ConfigRefResponse> Created, IReadOnlyList<ConfigRefResponse> Skipped, IReadOnlyList<ConfigRefResponse> Overwritten,
    IReadOnlyList<ConfigTransferFailureResponse> Failed)
{
    public static ConfigTransferResponse From(Meridian.Config.Transfer.TransferReport r) => new(
        [.. r.Created.Select(ConfigRefResponse.From)], [.. r.Skipped.Select(ConfigRefResponse.From)], [.. r.Overwritten.Select(ConfigRefResponse.From)],
        [.. r.Failed.Select(f => new ConfigTransferFailureResponse(f.Key.Namespace, f.Key.Group, f.Key.DataId, f.Reason))]);
}
