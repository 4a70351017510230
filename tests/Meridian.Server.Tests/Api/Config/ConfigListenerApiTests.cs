using System.Net;
using Meridian.Config.Listening;
using Meridian.Server.Tests.Infrastructure;

namespace Meridian.Server.Tests.Api.Config;

public sealed class ConfigListenerApiTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_held_long_poll_is_answered_when_the_config_is_published()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        var v1 = await server.Client.PublishAsync("userservice-dev.yaml", "a: 1\n");
        var held = server.Get<ConfigListeners>().Held.WaitAsync(l => l.ClientId == "app-1", Ct);

        var poll = server.Client.ListenAsync(new { timeoutMs = 60_000, clientId = "app-1", keys = new[] { new { dataId = "userservice-dev.yaml", md5 = v1.Md5 } } }, Ct);
        await held;

        var listeners = await (await server.Client.GetAsync(ConfigWire.Path("userservice-dev.yaml") + "/listeners", Ct)).ReadAsync<List<ConfigWire.ListenerDto>>();
        var listener = Assert.Single(listeners);
        Assert.Equal(("app-1", v1.Md5), (listener.ClientId, listener.Md5));
        Assert.StartsWith("127.0.0.1:", listener.Address, StringComparison.Ordinal);
        Assert.False(poll.IsCompleted);

        var v2 = await server.Client.PublishAsync("userservice-dev.yaml", "a: 2\n");

        var answer = await (await poll).ReadAsync<ConfigWire.ListenResponseDto>();
        Assert.Equal([new ConfigWire.ChangedDto("public", "DEFAULT_GROUP", "userservice-dev.yaml", v2.Md5)], answer.Changed);
        Assert.Empty(await (await server.Client.GetAsync(ConfigWire.Path("userservice-dev.yaml") + "/listeners", Ct)).ReadAsync<List<ConfigWire.ListenerDto>>());
    }

    [Fact]
    public async Task A_long_poll_holding_a_stale_md5_is_answered_at_once()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        var current = await server.Client.PublishAsync("a.properties", "x=1");

        var response = await server.Client.ListenAsync(new
        {
            timeoutMs = 120_000,
            keys = new object[]
            {
                new { @namespace = "public", group = "DEFAULT_GROUP", dataId = "a.properties", md5 = new string('0', 32) },
                new { @namespace = "public", group = "DEFAULT_GROUP", dataId = "never.properties", md5 = "" },
            },
        }, Ct);

        var answer = await response.ReadAsync<ConfigWire.ListenResponseDto>();
        Assert.Equal([new ConfigWire.ChangedDto("public", "DEFAULT_GROUP", "a.properties", current.Md5)], answer.Changed);
    }

    [Fact]
    public async Task A_long_poll_with_nothing_changing_answers_an_empty_list_after_its_timeout()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);

        // 1 ms is clamped up to the 1 s floor: the answer still comes, empty.
        var response = await server.Client.ListenAsync(new { timeoutMs = 1, keys = new[] { new { dataId = "quiet.txt", md5 = "" } } }, Ct);

        Assert.Empty((await response.ReadAsync<ConfigWire.ListenResponseDto>()).Changed);
    }

    [Fact]
    public async Task Malformed_long_polls_are_refused_with_the_fields_to_fix()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);

        var empty = await (await server.Client.ListenAsync(new { keys = Array.Empty<object>() }, Ct)).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("keys", empty.Errors!.Keys);

        var bad = await (await server.Client.ListenAsync(new
        {
            timeoutMs = -5,
            keys = new[] { new { dataId = "ok.txt", md5 = "nothex" }, new { dataId = "bad id", md5 = "" } },
        }, Ct)).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["keys[0].md5", "keys[1].dataId", "timeoutMs"], bad.Errors!.Keys.Order());
    }
}

public sealed class ClientListeningApiTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public sealed record ClientListeningDto(string Namespace, string Group, string DataId, string ClientId, string Address, string Md5, DateTimeOffset Since);

    [Fact]
    public async Task A_client_is_found_by_id_address_or_ip_with_the_md5_it_holds_of_each_config_it_may_be_shown()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        await Users.CreateNamespaceAsync(server, "dev", Ct);
        var a = await server.Client.PublishAsync("a.yaml", "a: 1\n");
        var b = await (await server.Client.PutConfigAsync("b.yaml", new { content = "b: 1\n" }, ns: "dev")).ReadAsync<ConfigWire.ConfigDto>();
        var held = server.Get<Meridian.Config.Listening.ConfigListeners>().Held.WaitAsync(l => l.ClientId == "app-7", Ct);
        var poll = server.Client.ListenAsync(new
        {
            timeoutMs = 60_000,
            clientId = "app-7",
            keys = new object[] { new { dataId = "a.yaml", md5 = a.Md5 }, new { @namespace = "dev", dataId = "b.yaml", md5 = b.Md5 }, new { dataId = "c.yaml", md5 = "" } },
        }, Ct);
        var listener = await held;

        var byId = await (await server.Client.GetAsync("/v1/configs/listeners?client=app-7", Ct)).ReadAsync<List<ClientListeningDto>>();
        Assert.Equal(["a.yaml", "b.yaml", "c.yaml"], byId.Select(l => l.DataId).Order(StringComparer.Ordinal));
        Assert.Contains(byId, l => l.DataId == "c.yaml" && l.Md5 == "");
        Assert.Contains(byId, l => l.DataId == "a.yaml" && l.Md5 == a.Md5 && l.Namespace == "public");
        var ip = listener.Address[..listener.Address.LastIndexOf(':')];
        Assert.Equal(byId, await (await server.Client.GetAsync($"/v1/configs/listeners?client={listener.Address}", Ct)).ReadAsync<List<ClientListeningDto>>());
        Assert.Equal(byId, await (await server.Client.GetAsync($"/v1/configs/listeners?client={ip}", Ct)).ReadAsync<List<ClientListeningDto>>());
        Assert.Empty(await (await server.Client.GetAsync("/v1/configs/listeners?client=app-8", Ct)).ReadAsync<List<ClientListeningDto>>());

        using var devReader = await Users.CreateAsync(server, "lena", [new { @namespace = "dev", actions = new[] { "read" } }], Ct);
        var filtered = await (await devReader.GetAsync("/v1/configs/listeners?client=app-7", Ct)).ReadAsync<List<ClientListeningDto>>();
        Assert.Equal([("dev", "b.yaml", b.Md5)], filtered.Select(l => (l.Namespace, l.DataId, l.Md5)));

        var missing = await (await server.Client.GetAsync("/v1/configs/listeners", Ct)).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("client", missing.Errors!.Keys);
        var badNs = await (await server.Client.GetAsync("/v1/configs/listeners?client=app-7&namespace=bad%20ns", Ct)).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("namespace", badNs.Errors!.Keys);
        Assert.False(poll.IsCompleted);
    }
}
