using Microsoft.Extensions.Configuration;

namespace Meridian.Client.Configuration;

/// <summary>The configuration source; builds one provider, which the host can also reach as a refresher.</summary>
public sealed class MeridianConfigurationSource : IConfigurationSource
{
    private readonly MeridianConfigOptions _options;
    private readonly string _applicationName;
    private readonly string _environment;
    private MeridianConfigurationProvider? _provider;

    public MeridianConfigurationSource(MeridianConfigOptions options, string applicationName, string environment)
    {
        _options = options;
        _applicationName = options.ApplicationName ?? applicationName;
        _environment = options.Environment ?? environment;
        Validate();
    }

    internal TimeProvider Time { get; init; } = TimeProvider.System;

    internal DeferredLogger Log { get; } = new();

    public IMeridianConfigurationRefresher Refresher => _provider ?? throw new InvalidOperationException("The configuration has not been built yet.");

    public IConfigurationProvider Build(IConfigurationBuilder builder)
    {
        if (_provider is not null)
        {
            return _provider;
        }

        var servers = _options.ServerAddresses.Select(a => new Uri(a.EndsWith('/') ? a : a + "/")).ToList();
        var snapshots = new ConfigSnapshots(_options.SnapshotDirectory ?? SnapshotScope.Of(System.IO.Path.Combine(
            Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "meridian", "config"),
            _options.ServerAddresses, _applicationName));
        var trust = ServerCertificateTrust.ClientOptions(_options.Tls.CaCertificatePath, "Meridian:Config:Tls:CaCertificatePath");
        var http = new MeridianConfigHttp(servers, $"{_applicationName}@{Environment.MachineName}:{Environment.ProcessId}", _options.AccessKey, trust);
        _provider = new MeridianConfigurationProvider(Sources(), http, snapshots, _options, Log, Time);
        return _provider;
    }

    /// <summary>Lowest precedence first: shared, extension, <c>{app}.{ext}</c>, <c>{app}-{env}.{ext}</c>.</summary>
    internal IReadOnlyList<ConfigSource> Sources()
    {
        var group = _options.Group;
        var ns = _options.Namespace;
        var ext = _options.FileExtension;
        return
        [
            .. _options.SharedConfigs.Select(c => new ConfigSource(ns, c.Group ?? group, c.DataId, c.Refresh, c.Required)),
            .. _options.ExtensionConfigs.Select(c => new ConfigSource(ns, c.Group ?? group, c.DataId, c.Refresh, c.Required)),
            new ConfigSource(ns, group, $"{_applicationName}.{ext}", _options.Refresh, _options.Required),
            new ConfigSource(ns, group, $"{_applicationName}-{_environment}.{ext}", _options.Refresh, _options.Required),
        ];
    }

    private void Validate()
    {
        var problems = new List<string>();
        if (_options.ServerAddresses.Count == 0)
        {
            problems.Add("No Meridian server is set; list the servers' client addresses under Meridian:ServerAddresses, e.g. [ \"localhost:9848\" ] (configs are then read from the HTTP port below each, 8848), or their HTTP addresses under Meridian:Config:ServerAddresses, e.g. [ \"http://localhost:8848\" ].");
        }

        foreach (var address in _options.ServerAddresses)
        {
            if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                problems.Add($"Meridian:ServerAddresses entry '{address}' is not an http(s) URL.");
            }
        }

        if (_options.FileExtension.ToLowerInvariant() is not ("yaml" or "yml" or "json" or "properties" or "xml"))
        {
            problems.Add($"Meridian:Config:FileExtension '{_options.FileExtension}' is not one of yaml, yml, json, properties, xml.");
        }

        if (string.IsNullOrWhiteSpace(_applicationName))
        {
            problems.Add("Meridian:Config:ApplicationName is empty and the host gave no application name.");
        }

        if (_options.SharedConfigs.Concat(_options.ExtensionConfigs).Any(c => string.IsNullOrWhiteSpace(c.DataId)))
        {
            problems.Add("Every entry of Meridian:Config:SharedConfigs and ExtensionConfigs needs a DataId.");
        }

        if (_options.LongPollTimeout < TimeSpan.FromSeconds(1) || _options.LongPollTimeout > TimeSpan.FromSeconds(120))
        {
            problems.Add("Meridian:Config:LongPollTimeout must be between 1 s and 120 s.");
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException("Meridian configuration source: " + string.Join(" ", problems));
        }
    }
}
