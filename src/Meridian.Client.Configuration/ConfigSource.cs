namespace Meridian.Client.Configuration;

/// <summary>One config the source loads, where it sits in precedence, and its last good values.</summary>
internal sealed class ConfigSource(string ns, string group, string dataId, bool refresh, bool required)
{
    public string Namespace { get; } = ns;
    public string Group { get; } = group;
    public string DataId { get; } = dataId;
    public bool Refresh { get; } = refresh;
    public bool Required { get; } = required;

    /// <summary>The format, from the data id's extension.</summary>
    public string Format { get; } = Path.GetExtension(dataId).TrimStart('.') is { Length: > 0 } ext ? ext : "properties";

    /// <summary>The md5 of the content the values came from; "" when the config does not exist.</summary>
    public string Md5 { get; set; } = "";

    public IReadOnlyDictionary<string, string?> Values { get; set; } = new Dictionary<string, string?>();

    public override string ToString() => $"'{DataId}' (group '{Group}', namespace '{Namespace}')";
}
