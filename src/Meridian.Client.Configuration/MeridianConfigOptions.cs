namespace Meridian.Client.Configuration;

/// <summary>
/// What the configuration source loads, bound from the <c>Meridian</c> section (server list and namespace) and its
/// <c>Meridian:Config</c> subsection (everything else).
/// </summary>
public sealed class MeridianConfigOptions
{
    /// <summary>Meridian servers, tried in turn: <c>http://host:8848</c>.</summary>
    public List<string> ServerAddresses { get; set; } = [];

    /// <summary>The access key sent as <c>Authorization: Bearer</c>; defaults to <c>Meridian:AccessKey</c>.</summary>
    public string? AccessKey { get; set; }

    /// <summary>How <c>https://</c> servers' certificates are checked; defaults to <c>Meridian:Tls</c>.</summary>
    public ConfigTlsOptions Tls { get; set; } = new();

    public string Namespace { get; set; } = "public";

    public string Group { get; set; } = "DEFAULT_GROUP";

    /// <summary>The <c>{app}</c> of <c>{app}.{ext}</c> and <c>{app}-{env}.{ext}</c>; defaults to the application name.</summary>
    public string? ApplicationName { get; set; }

    /// <summary>The <c>{env}</c> of <c>{app}-{env}.{ext}</c>; defaults to the host environment name (Development, Production...).</summary>
    public string? Environment { get; set; }

    /// <summary>The <c>{ext}</c>, which is also the format: yaml, yml, json, properties or xml.</summary>
    public string FileExtension { get; set; } = "yaml";

    /// <summary>Whether the application's own configs follow changes while the app runs.</summary>
    public bool Refresh { get; set; } = true;

    /// <summary>Whether the start fails when the application's configs are absent and no snapshot exists.</summary>
    public bool Required { get; set; }

    /// <summary>Configs shared between applications, lowest precedence, in order (later wins).</summary>
    public List<ConfigReference> SharedConfigs { get; set; } = [];

    /// <summary>Configs of this application beyond its own, above the shared ones, in order (later wins).</summary>
    public List<ConfigReference> ExtensionConfigs { get; set; } = [];

    /// <summary>Where every successful load is kept, so a start with the server down still has its settings.</summary>
    public string? SnapshotDirectory { get; set; }

    /// <summary>How long the server holds a change poll open when nothing changes.</summary>
    public TimeSpan LongPollTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The pause after a failed poll before trying the next server.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Seconds without a successful poll after which the health check reports the source stale.</summary>
    public TimeSpan StaleAfter { get; set; } = TimeSpan.FromMinutes(2);
}

/// <summary>How the configuration source checks the servers' certificates.</summary>
public sealed class ConfigTlsOptions
{
    /// <summary>A private CA's certificate (PEM or DER) the servers' certificates must chain to; unset, the machine's trusted roots decide.</summary>
    public string? CaCertificatePath { get; set; }
}

/// <summary>One config to load besides the application's own.</summary>
public sealed class ConfigReference
{
    public string DataId { get; set; } = "";
    public string? Group { get; set; }
    public bool Refresh { get; set; } = true;
    public bool Required { get; set; }
}
