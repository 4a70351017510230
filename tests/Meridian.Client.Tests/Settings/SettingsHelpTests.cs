using Meridian.Client.Discovery;
using Meridian.Client.Settings;
using Meridian.Client.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Meridian.Client.Tests.Settings;

/// <summary>Settings that say what is wrong: misspelt keys, the HTTP port given for the client port, snapshots kept apart.</summary>
public sealed class SettingsHelpTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Unknown_keys_are_found_at_every_level_with_the_closest_valid_name()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Meridian:ServiceName"] = "orders",
            ["Meridian:ServiceNmae"] = "orders",
            ["Meridian:Metadata:anything-goes"] = "1",
            ["Meridian:LoadBalancing:Services:userservice:Rule"] = "Random",
            ["Meridian:LoadBalancing:Services:userservice:Rul"] = "Random",
            ["Meridian:Config:Enviroment"] = "dev",
            ["Meridian:Config:SharedConfigs:0:DataId"] = "shared.yaml",
            ["Meridian:Config:SharedConfigs:0:Refesh"] = "false",
            ["Meridian:Discovery:EagerServices:0"] = "userservice",
            ["Meridian:Telemetry"] = "on",
            // A server hosted in the same app reads these; they are not the client's to report.
            ["Meridian:Registry:HeartbeatTimeout"] = "00:00:15",
            ["Meridian:Storage:Sqlite:DataDirectory"] = "data",
        }).Build();

        var found = UnknownSettings.Find(configuration).OrderBy(f => f.Path, StringComparer.Ordinal).ToList();

        Assert.Equal(
            [
                ("Meridian:Config:Enviroment", "Meridian:Config:Environment"),
                ("Meridian:Config:SharedConfigs:0:Refesh", "Meridian:Config:SharedConfigs:0:Refresh"),
                ("Meridian:LoadBalancing:Services:userservice:Rul", "Meridian:LoadBalancing:Services:userservice:Rule"),
                ("Meridian:ServiceNmae", "Meridian:ServiceName"),
                ("Meridian:Telemetry", (string?)null),
            ],
            found);
    }

    [Fact]
    public async Task A_misspelt_setting_is_logged_at_start_up_with_the_setting_meant()
    {
        await using var server = await ServerHost.StartAsync();
        var warned = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var app = await ClientApp.StartAsync("typist", [server.ClientAddress],
            settings: new Dictionary<string, string?> { ["Meridian:Discovery:EagerServcies:0"] = "userservice" },
            configure: builder => builder.Logging.AddFakeLogging(o => o.OutputSink = line =>
            {
                if (line.Contains("is not a Meridian setting", StringComparison.Ordinal))
                {
                    warned.TrySetResult(line);
                }
            }));

        var line = await warned.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.Contains("Meridian:Discovery:EagerServcies is not a Meridian setting and is ignored; did you mean Meridian:Discovery:EagerServices?", line);
    }

    [Fact]
    public async Task A_client_pointed_at_the_HTTP_port_is_told_to_use_the_client_port()
    {
        await using var server = await ServerHost.StartAsync();
        var hinted = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var app = await ClientApp.StartAsync("habit", [$"127.0.0.1:{server.HttpPort}"], settings: null,
            configure: builder => builder.Logging.AddFakeLogging(o => o.OutputSink = line =>
            {
                // Not the first failure: on a loaded machine an attempt may time out before the server answers at all.
                if (line.Contains("Could not connect", StringComparison.Ordinal) && line.Contains("HTTP_1_1_REQUIRED", StringComparison.Ordinal))
                {
                    hinted.TrySetResult(line);
                }
            }));

        var line = await hinted.Task.WaitAsync(TimeSpan.FromSeconds(20), Ct);
        Assert.Contains($"127.0.0.1:{server.HttpPort} is a Meridian HTTP port, not its client-connection port", line);
        Assert.Contains("client connections use 9848", line);
        Assert.Contains($"try 127.0.0.1:{server.HttpPort + 1000}", line);
    }

    [Fact]
    public async Task Instance_snapshots_are_kept_apart_per_application_and_per_server_set()
    {
        var shared = TempDirectory.Create("meridian-snapshots-");
        var at = new Dictionary<string, string?> { ["Meridian:Discovery:SnapshotDirectory"] = shared };
        await using var server = await ServerHost.StartAsync();
        await using var orders = await ClientApp.StartAsync("orders", [server.ClientAddress], settings: at);
        await using var billing = await ClientApp.StartAsync("billing", [server.ClientAddress], settings: at);
        await using var ordersElsewhere = await ClientApp.StartAsync("orders", ["127.0.0.1:1", server.ClientAddress], settings: at);

        var directories = new[] { orders, billing, ordersElsewhere }.Select(a => a.Services.GetRequiredService<SnapshotStore>().Directory).ToList();
        Assert.All(directories, d => Assert.StartsWith(shared, d, StringComparison.Ordinal));
        Assert.Equal(3, directories.Distinct(StringComparer.Ordinal).Count());
    }
}
