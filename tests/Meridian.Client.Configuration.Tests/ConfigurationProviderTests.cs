using Meridian.Server.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Meridian.Client.Configuration.Tests;

public sealed class ConfigurationProviderTests : IDisposable
{
    private readonly string _snapshots = Directory.CreateTempSubdirectory("meridian-snapshots-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_snapshots, recursive: true);

    [Fact]
    public async Task Each_level_overrides_the_next_from_app_env_down_to_local_settings()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        await server.Client.PublishAsync("shared.yaml", "level: {a: shared, b: shared, c: shared, d: shared, e: shared}\nlocal: {only: shared}");
        await server.Client.PublishAsync("extension.json", """{"level":{"b":"extension","c":"extension","d":"extension","e":"extension"}}""", "json");
        await server.Client.PublishAsync("userservice.yaml", "level: {c: app, d: app, e: app}");
        await server.Client.PublishAsync("userservice-Test.yaml", "level: {d: app-env, e: app-env}");

        await using var app = await ConfigHost.StartAsync(server.BaseAddress.ToString(), _snapshots, new()
        {
            ["Meridian:Config:SharedConfigs:0:DataId"] = "shared.yaml",
            ["Meridian:Config:ExtensionConfigs:0:DataId"] = "extension.json",
            ["level:a"] = "local",
        }, Ct);

        var level = app.Configuration.GetSection("level");
        Assert.Equal("shared", level["a"]);
        Assert.Equal("extension", level["b"]);
        Assert.Equal("app", level["c"]);
        Assert.Equal("app-env", level["d"]);
        Assert.Equal("shared", app.Configuration["local:only"]);
    }

    [Fact]
    public async Task Publish_changes_IOptionsMonitor_in_a_running_app_and_fires_OnChange_once()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        await server.Client.PublishAsync("userservice.yaml", "pattern:\n  dateformat: yyyy-MM-dd\n  greeting: shared hello");
        await server.Client.PublishAsync("userservice-Test.yaml", "pattern:\n  dateformat: dd/MM/yyyy");
        await using var app = await ConfigHost.StartAsync(server.BaseAddress.ToString(), _snapshots, cancellationToken: Ct);
        Assert.Equal("dd/MM/yyyy", app.Pattern.CurrentValue.DateFormat);
        Assert.Equal("shared hello", app.Pattern.CurrentValue.Greeting);

        var changes = 0;
        var changed = new TaskCompletionSource<PatternOptions>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = app.Pattern.OnChange((o, _) =>
        {
            Interlocked.Increment(ref changes);
            changed.TrySetResult(o);
        });

        // A change hidden under a higher level alters no value: it must not reload anything.
        await server.Client.PublishAsync("userservice.yaml", "pattern:\n  dateformat: MM-dd\n  greeting: shared hello");
        await server.Client.PublishAsync("userservice-Test.yaml", "pattern:\n  dateformat: HH:mm:ss");

        var updated = await changed.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.Equal("HH:mm:ss", updated.DateFormat);
        Assert.Equal("HH:mm:ss", app.Pattern.CurrentValue.DateFormat);
        Assert.True(await app.Refresher.TryRefreshAsync(Ct));
        Assert.Equal(1, changes);
    }

    [Fact]
    public async Task Refresh_off_config_keeps_its_first_values_and_a_deleted_config_removes_its_keys()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        await server.Client.PublishAsync("frozen.yaml", "frozen: {value: first}");
        await server.Client.PublishAsync("userservice.yaml", "pattern: {dateformat: app}");
        await server.Client.PublishAsync("userservice-Test.yaml", "pattern: {dateformat: env}\nextra: {key: present}");
        await using var app = await ConfigHost.StartAsync(server.BaseAddress.ToString(), _snapshots, new()
        {
            ["Meridian:Config:SharedConfigs:0:DataId"] = "frozen.yaml",
            ["Meridian:Config:SharedConfigs:0:Refresh"] = "false",
        }, Ct);

        var reloaded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var token = Microsoft.Extensions.Primitives.ChangeToken.OnChange(app.Configuration.GetReloadToken, () => reloaded.TrySetResult());
        await server.Client.PublishAsync("frozen.yaml", "frozen: {value: second}");
        (await server.Client.DeleteAsync("/v1/namespaces/public/groups/DEFAULT_GROUP/configs/userservice-Test.yaml", Ct)).EnsureSuccessStatusCode();
        await reloaded.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.Equal("first", app.Configuration["frozen:value"]);
        Assert.Equal("app", app.Configuration["pattern:dateformat"]);
        Assert.Null(app.Configuration["extra:key"]);
    }

    [Fact]
    public async Task Start_with_the_server_down_uses_the_snapshot()
    {
        var data = TestServer.NewDataDirectory();
        string address;
        await using (var server = await TestServer.StartAsync(dataDirectory: data, cancellationToken: Ct))
        {
            address = server.BaseAddress.ToString();
            await server.Client.PublishAsync("userservice-Test.yaml", "pattern: {dateformat: from-server}");
            await using var first = await ConfigHost.StartAsync(address, _snapshots, cancellationToken: Ct);
            Assert.Equal("from-server", first.Configuration["pattern:dateformat"]);
        }

        await using var second = await ConfigHost.StartAsync(address, _snapshots, cancellationToken: Ct);
        Assert.Equal("from-server", second.Configuration["pattern:dateformat"]);
        Assert.Equal(ConfigSourceState.FromSnapshot, second.Refresher.Status.State);
        Directory.Delete(data, recursive: true);
    }

    [Fact]
    public async Task Refresher_and_health_check_report_a_server_that_went_away()
    {
        var server = await TestServer.StartAsync(cancellationToken: Ct);
        await server.Client.PublishAsync("userservice-Test.yaml", "pattern: {dateformat: kept}");
        await using var app = await ConfigHost.StartAsync(server.BaseAddress.ToString(), _snapshots, cancellationToken: Ct);
        Assert.True(await app.Refresher.TryRefreshAsync(Ct));
        var healthy = await app.Health.CheckHealthAsync(Ct);
        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy, healthy.Entries["meridian-config"].Status);

        await server.DisposeAsync();

        Assert.False(await app.Refresher.TryRefreshAsync(Ct));
        Assert.Equal(ConfigSourceState.Unreachable, app.Refresher.Status.State);
        var report = await app.Health.CheckHealthAsync(Ct);
        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Degraded, report.Entries["meridian-config"].Status);
        Assert.Equal("kept", app.Configuration["pattern:dateformat"]);
    }

    [Fact]
    public async Task Required_config_with_no_server_and_no_snapshot_stops_the_start_naming_it()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ConfigHost.StartAsync("http://127.0.0.1:1", _snapshots, new()
        {
            ["Meridian:Config:Required"] = "true",
        }, Ct));
        Assert.Contains("'userservice.yaml'", error.Message, StringComparison.Ordinal);
        Assert.Contains("http://127.0.0.1:1/", error.Message, StringComparison.Ordinal);
        Assert.Contains("no snapshot", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_yaml_pushed_leaves_the_old_values_in_place_and_the_client_meter_counts_it()
    {
        // The source's meter belongs to no app's meter factory: other tests' measurements show too, so look for this one's.
        using var rejected = new Microsoft.Extensions.Diagnostics.Metrics.Testing.MetricCollector<long>((object?)null, "Meridian.Client", "meridian.client.config.rejected");
        using var reloads = new Microsoft.Extensions.Diagnostics.Metrics.Testing.MetricCollector<long>((object?)null, "Meridian.Client", "meridian.client.config.reloads");
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        await server.Client.PublishAsync("userservice-Test.yaml", "pattern: {dateformat: good}");
        await server.Client.PublishAsync("userservice.yaml", "pattern: {greeting: one}");
        await using var app = await ConfigHost.StartAsync(server.BaseAddress.ToString(), _snapshots, cancellationToken: Ct);

        // Stored as text, the server cannot refuse it; the app must survive it.
        await server.Client.PublishAsync("userservice-Test.yaml", "pattern: {dateformat: [unclosed", type: "text");
        var reloaded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var token = Microsoft.Extensions.Primitives.ChangeToken.OnChange(app.Configuration.GetReloadToken, () => reloaded.TrySetResult());
        await server.Client.PublishAsync("userservice.yaml", "pattern: {greeting: two}");
        await reloaded.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.Equal("good", app.Configuration["pattern:dateformat"]);
        Assert.Equal("two", app.Configuration["pattern:greeting"]);
        Assert.Contains(rejected.GetMeasurementSnapshot(), m => (string?)m.Tags["meridian.config"] == "userservice-Test.yaml");
        Assert.NotEmpty(reloads.GetMeasurementSnapshot());
    }

    [Theory]
    [InlineData("localhost:9848", "http://localhost:8848/")]
    [InlineData("http://10.0.0.1:9900", "http://10.0.0.1:8900/")]
    public void Client_connection_addresses_map_to_the_HTTP_port_below_them(string connection, string http) =>
        Assert.Equal(http, MeridianConfigurationExtensions.HttpAddressOf(connection));

    [Fact]
    public void Config_servers_and_namespace_fall_back_to_the_discovery_settings()
    {
        var meridian = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Meridian:ServerAddresses:0"] = "a:9848",
            ["Meridian:Namespace"] = "dev",
            ["Meridian:Config:FileExtension"] = "json",
        }).Build().GetSection("Meridian");
        var options = MeridianConfigurationExtensions.ReadOptions(meridian);
        Assert.Equal(["http://a:8848/"], options.ServerAddresses);
        Assert.Equal(("dev", "json"), (options.Namespace, options.FileExtension));
    }

    [Fact]
    public void Properties_and_yaml_flatten_to_configuration_keys()
    {
        var properties = ConfigFormats.Parse("properties", "# comment\npattern.dateformat=yyyy\nlong.value=a \\\n  b\n");
        Assert.Equal("yyyy", properties["pattern:dateformat"]);
        Assert.Equal("a b", properties["long:value"]);
        var yaml = ConfigFormats.Parse("yaml", "servers:\n  - a\n  - b\n");
        Assert.Equal("b", yaml["servers:1"]);
        var error = Assert.Throws<FormatException>(() => ConfigFormats.Parse("yaml", "a: [b"));
        Assert.Contains("line", error.Message, StringComparison.Ordinal);
    }
}
