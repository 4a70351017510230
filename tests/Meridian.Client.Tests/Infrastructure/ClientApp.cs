using Meridian.Testing;
using Meridian.Client.Discovery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Meridian.Client.Tests.Infrastructure;

/// <summary>
/// A real ASP.NET Core app on real Kestrel (port 0) with its own Meridian client: it registers itself, answers
/// <c>GET /whoami</c> with its name, and has an HttpClient named <c>lb</c> that balances through Meridian.
/// </summary>
public sealed class ClientApp : IAsyncDisposable
{
    public const string BalancedClient = "lb";
    public const string DiscoveryClient = "sd";

    private readonly WebApplication _app;
    private bool _stopped;

    private ClientApp(WebApplication app, string name)
    {
        _app = app;
        Name = name;
        Port = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
    }

    public string Name { get; }
    public int Port { get; }
    public IServiceProvider Services => _app.Services;
    public IMeridianDiscovery Discovery => _app.Services.GetRequiredService<IMeridianDiscovery>();

    public HttpClient CreateClient(string name = BalancedClient) => _app.Services.GetRequiredService<IHttpClientFactory>().CreateClient(name);

    public static async Task<ClientApp> StartAsync(
        string name,
        IEnumerable<string> servers,
        string? service = null,
        IDictionary<string, string?>? settings = null,
        Action<WebApplicationBuilder>? configure = null,
        Action<WebApplication>? map = null)
    {
        var builder = WebApplication.CreateSlimBuilder(["--urls", "http://127.0.0.1:0"]);
        var config = new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Warning",
            ["Meridian:ServiceName"] = service ?? name,
            ["Meridian:AccessKey"] = TestTokens.AdminToken,
            ["Meridian:Register"] = service is null ? "false" : "true",
            ["Meridian:Connection:MinReconnectDelay"] = "00:00:00.100",
            ["Meridian:Connection:MaxReconnectDelay"] = "00:00:00.400",
            ["Meridian:Discovery:SnapshotDirectory"] = TempDirectory.Create("meridian-snapshots-"),
        };
        var index = 0;
        foreach (var server in servers)
        {
            config[$"Meridian:ServerAddresses:{index++}"] = server;
        }

        // A null value takes the harness's own setting away, so the library's default applies.
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                config.Remove(key);
            }
            else
            {
                config[key] = value;
            }
        }

        builder.Configuration.AddInMemoryCollection(config);
        builder.AddMeridian();
        builder.Services.AddHttpClient(BalancedClient).AddMeridianLoadBalancing();
        builder.Services.AddHttpClient(DiscoveryClient).AddServiceDiscovery();
        configure?.Invoke(builder);

        var app = builder.Build();
        app.MapGet("/whoami", () => name);
        map?.Invoke(app);
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new ClientApp(app, name);
    }

    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }

    public ValueTask DisposeAsync() => new(StopAsync());
}
