using Meridian.Client.ServiceDiscovery;
using Meridian.Client.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.ServiceDiscovery;

namespace Meridian.Client.Tests.ServiceDiscovery;

public sealed class ServiceDiscoveryProviderTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_standard_service_discovery_HttpClient_reaches_the_service_by_name()
    {
        await using var server = await ServerHost.StartAsync();
        await using var a = await ClientApp.StartAsync("a", [server.ClientAddress], "orders");
        await using var b = await ClientApp.StartAsync("b", [server.ClientAddress], "orders");
        await using var caller = await ClientApp.StartAsync("caller", [server.ClientAddress]);
        await caller.Discovery.WaitForServingAsync("orders", 2);

        using var client = caller.CreateClient(ClientApp.DiscoveryClient);
        var seen = new HashSet<string>();
        for (var i = 0; i < 6; i++)
        {
            seen.Add(await client.GetStringAsync("http://orders/whoami", Ct));
        }

        Assert.Equal(["a", "b"], seen.Order());
    }

    [Fact]
    public async Task The_resolver_follows_pushes_and_carries_instance_metadata()
    {
        await using var server = await ServerHost.StartAsync();
        await using var a = await ClientApp.StartAsync(
            "a", [server.ClientAddress], "catalog", new Dictionary<string, string?> { ["Meridian:Metadata:zone"] = "z1" });
        await using var caller = await ClientApp.StartAsync("caller", [server.ClientAddress]);
        var resolver = caller.Services.GetRequiredService<ServiceEndpointResolver>();
        await caller.Discovery.WaitForServingAsync("catalog", 1);

        var first = await resolver.GetEndpointsAsync("http://catalog", Ct);
        var endpoint = Assert.Single(first.Endpoints);
        Assert.Equal("z1", endpoint.Features.Get<MeridianInstanceFeature>()!.Instance.Metadata["zone"]);

        var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = first.ChangeToken.RegisterChangeCallback(_ => changed.TrySetResult(), null);
        await using var b = await ClientApp.StartAsync("b", [server.ClientAddress], "catalog");
        await changed.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        var second = await resolver.GetEndpointsAsync("http://catalog", Ct);
        Assert.Equal(2, second.Endpoints.Count);
    }

    [Fact]
    public void The_Meridian_servers_themselves_are_never_resolved_through_Meridian()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<Microsoft.Extensions.Configuration.IConfiguration>(new Microsoft.Extensions.Configuration.ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Meridian:ServerAddresses:0"] = "meridian.internal:9848" }).Build());
        services.AddMeridianServiceEndpointProvider();
        using var provider = services.BuildServiceProvider();
        var factory = provider.GetServices<IServiceEndpointProviderFactory>().OfType<MeridianServiceEndpointProviderFactory>().Single();

        Assert.True(ServiceEndpointQuery.TryParse("http://meridian.internal", out var registry));
        Assert.False(factory.TryCreateProvider(registry!, out _));
        Assert.True(ServiceEndpointQuery.TryParse("http://10.0.0.5", out var literal));
        Assert.False(factory.TryCreateProvider(literal!, out _));
        Assert.True(ServiceEndpointQuery.TryParse("http://orders", out var service));
        Assert.True(factory.TryCreateProvider(service!, out _));
    }
}
