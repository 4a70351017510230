namespace Meridian.Config;

/// <summary>
/// A search within one namespace. <see cref="DataId"/> and <see cref="Group"/> match exactly unless they contain
/// <c>*</c> (any run of characters); a config must carry every tag in <see cref="Tags"/>; <see cref="ContentContains"/>
/// matches ignoring case.
/// </summary>
public sealed record ConfigQuery(
    string Namespace,
    string? DataId = null,
    string? Group = null,
    IReadOnlyList<string>? Tags = null,
    string? ContentContains = null,
    int PageNo = 1,
    int PageSize = 100);

/// <summary>A page of configs ordered by group then data id; <see cref="Total"/> counts every match.</summary>
public sealed record ConfigPage(int Total, IReadOnlyList<ConfigItem> Items);
