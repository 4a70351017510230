using System.Net.Http.Json;
using Meridian.Client.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Meridian.Client.Configuration.Tests;

public sealed class PatternOptions
{
    public string? DateFormat { get; set; }
    public string? Greeting { get; set; }
}

/// <summary>A real application host (userservice, environment Test) reading its settings from Meridian.</summary>
public sealed class ConfigHost : IAsyncDisposable
{
    private readonly IHost _host;

    private ConfigHost(IHost host) => _host = host;

    public IConfiguration Configuration => _host.Services.GetRequiredService<IConfiguration>();
    public IOptionsMonitor<PatternOptions> Pattern => _host.Services.GetRequiredService<IOptionsMonitor<PatternOptions>>();
    public IMeridianConfigurationRefresher Refresher => _host.Services.GetRequiredService<IMeridianConfigurationRefresher>();
    public Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckService Health =>
        _host.Services.GetRequiredService<Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckService>();

    public static async Task<ConfigHost> StartAsync(string server, string snapshots, Dictionary<string, string?>? settings = null, CancellationToken cancellationToken = default)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ApplicationName = "userservice",
            EnvironmentName = "Test",
            DisableDefaults = true,
        });
        var all = new Dictionary<string, string?>
        {
            ["Meridian:Config:ServerAddresses:0"] = server,
            ["Meridian:Config:AccessKey"] = Meridian.Testing.TestTokens.AdminToken,
            ["Meridian:Config:SnapshotDirectory"] = snapshots,
            ["Meridian:Config:LongPollTimeout"] = "00:00:30",
            ["Meridian:Config:RetryDelay"] = "00:00:00.200",
            ["local:only"] = "local",
            ["pattern:greeting"] = "local greeting",
        };
        foreach (var (key, value) in settings ?? [])
        {
            all[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(all);
        builder.AddMeridianConfig();
        builder.Services.Configure<PatternOptions>(builder.Configuration.GetSection("pattern"));
        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        return new ConfigHost(host);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}

public static class Publishing
{
    public static async Task PublishAsync(this HttpClient client, string dataId, string content, string type = "yaml", string group = "DEFAULT_GROUP")
    {
        var response = await client.PutAsJsonAsync($"/v1/namespaces/public/groups/{group}/configs/{dataId}", new { content, type });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }
}
