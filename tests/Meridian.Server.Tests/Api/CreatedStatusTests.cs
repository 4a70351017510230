using System.Net;
using System.Net.Http.Json;
using Meridian.Server.Tests.Api.Config;
using Meridian.Server.Tests.Infrastructure;

namespace Meridian.Server.Tests.Api;

/// <summary>Every write that creates something answers 201 with where it lives; writing it again answers 200.</summary>
public sealed class CreatedStatusTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Registering_a_new_instance_answers_201_with_its_location_and_registering_it_again_200()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        using var created = await server.Client.RegisterAsync("billing", new { ip = "10.0.0.1", port = 8080 });
        var instance = await created.ReadAsync<Wire.InstanceDto>(HttpStatusCode.Created);
        var location = created.Headers.Location ?? throw new Xunit.Sdk.XunitException("201 without a Location header");

        var read = await (await server.Client.GetAsync(location, Ct)).ReadAsync<Wire.InstanceDto>(HttpStatusCode.OK);
        Assert.Equal(instance.InstanceId, read.InstanceId);

        using var again = await server.Client.RegisterAsync("billing", new { ip = "10.0.0.1", port = 8080 });
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Null(again.Headers.Location);
    }

    [Fact]
    public async Task Publishing_a_new_config_answers_201_and_publishing_it_again_200()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        using var created = await server.Client.PutConfigAsync("app.yaml", new { content = "a: 1\n" });
        await created.ReadAsync<ConfigWire.ConfigDto>(HttpStatusCode.Created);
        var location = created.Headers.Location ?? throw new Xunit.Sdk.XunitException("201 without a Location header");
        Assert.Equal("a: 1\n", await (await server.Client.GetAsync(location, Ct)).Content.ReadAsStringAsync(Ct));

        Assert.Equal(HttpStatusCode.OK, (await server.Client.PutConfigAsync("app.yaml", new { content = "a: 2\n" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.Client.PutConfigAsync("app.yaml", new { content = "a: 2\n" })).StatusCode);

        // Deleted and published again, it is new again.
        Assert.Equal(HttpStatusCode.NoContent, (await server.Client.DeleteAsync(ConfigWire.Path("app.yaml"), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await server.Client.PutConfigAsync("app.yaml", new { content = "a: 3\n" })).StatusCode);
    }

    [Fact]
    public async Task Saving_a_new_service_answers_201_and_saving_it_again_200()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        using var created = await server.Client.PutAsJsonAsync(Paths.Service("orders"), new { protectThreshold = 0.5 }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync(created.Headers.Location, Ct)).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await server.Client.PutAsJsonAsync(Paths.Service("orders"), new { protectThreshold = 0.2 }, Ct)).StatusCode);
    }
}
