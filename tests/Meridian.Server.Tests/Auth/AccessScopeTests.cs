using System.Net;
using System.Net.Http.Json;
using Meridian.Contracts.V1;
using Meridian.Server.Tests.Api.Config;
using Meridian.Server.Tests.Infrastructure;
using Meridian.Testing;

namespace Meridian.Server.Tests.Auth;

public sealed class AccessScopeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_key_scoped_to_dev_cannot_read_or_change_prod_and_lists_hide_what_it_cannot_read()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        foreach (var ns in new[] { "dev", "prod" })
        {
            Assert.Equal(HttpStatusCode.Created, (await server.Client.PostAsJsonAsync("/v1/namespaces", new { id = ns }, Ct)).StatusCode);
            Assert.True((await server.Client.RegisterAsync("userservice", new { ip = "10.0.0.1", port = 80 }, ns)).IsSuccessStatusCode);
            Assert.True((await server.Client.PutConfigAsync("userservice.yaml", new { content = $"env: {ns}\n", type = "yaml" }, ns)).IsSuccessStatusCode);
        }

        var key = await TestAuth.CreateKeyAsync(server.Client, Ct, "dev-only", ["dev"]);
        using var dev = TestAuth.ClientWith(server.BaseAddress, key);

        Assert.Equal(HttpStatusCode.OK, (await dev.GetAsync(Paths.Instances("userservice", "dev"), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await dev.GetAsync("/v1/namespaces/dev/groups/DEFAULT_GROUP/configs/userservice.yaml", Ct)).StatusCode);

        var read = await dev.GetAsync(Paths.Instances("userservice", "prod"), Ct);
        Assert.Contains("may not read service 'prod/DEFAULT_GROUP/userservice'", (await read.ProblemAsync(HttpStatusCode.Forbidden)).Detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await dev.GetAsync("/v1/namespaces/prod/groups/DEFAULT_GROUP/configs/userservice.yaml", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await dev.PutConfigAsync("userservice.yaml", new { content = "env: hacked\n" }, "prod")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await dev.RegisterAsync("userservice", new { ip = "10.6.6.6", port = 80 }, "prod")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await dev.DeleteAsync(Paths.Service("userservice", "prod"), Ct)).StatusCode);

        var namespaces = await (await dev.GetAsync("/v1/namespaces", Ct)).Content.ReadFromJsonAsync<List<Ns>>(Ct);
        Assert.Equal(["dev"], namespaces!.Select(n => n.Id));
        Assert.Equal(0, (await (await dev.GetAsync("/v1/namespaces/prod/services", Ct)).Content.ReadFromJsonAsync<Page>(Ct))!.Total);
        Assert.Equal(1, (await (await dev.GetAsync("/v1/namespaces/dev/services", Ct)).Content.ReadFromJsonAsync<Page>(Ct))!.Total);
        Assert.Equal(0, (await (await dev.GetAsync("/v1/namespaces/prod/configs?contentContains=env", Ct)).Content.ReadFromJsonAsync<Page>(Ct))!.Total);

        // The same rules hold through the Nacos API (the key as accessToken) and over the client connection.
        using var anonymous = new HttpClient { BaseAddress = server.BaseAddress };
        Assert.Equal(HttpStatusCode.Forbidden, (await anonymous.GetAsync($"/nacos/v1/cs/configs?dataId=userservice.yaml&group=DEFAULT_GROUP&tenant=prod&accessToken={key}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync($"/nacos/v1/cs/configs?dataId=userservice.yaml&group=DEFAULT_GROUP&tenant=dev&accessToken={key}", Ct)).StatusCode);

        await using var connection = await RawConnection.OpenAsync(server.GrpcAddress, "dev-app", Ct, sayHello: true, credential: key);
        var prod = await connection.RequestAsync(new ClientMessage { SubscribeService = new SubscribeService { Service = new ServiceRef { Namespace = "prod", Group = "DEFAULT_GROUP", Service = "userservice" } } }, Ct);
        Assert.Equal(("permission_denied", false), (prod.ErrorCode, prod.Ok));
        var own = await connection.RequestAsync(new ClientMessage { SubscribeService = new SubscribeService { Service = new ServiceRef { Namespace = "dev", Group = "DEFAULT_GROUP", Service = "userservice" } } }, Ct);
        Assert.True(own.Ok, own.ErrorMessage);
    }

    [Fact]
    public async Task History_names_the_authenticated_caller_never_a_client_supplied_src_user()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["dataId"] = "app.properties", ["group"] = "DEFAULT_GROUP", ["content"] = "a=1", ["src_user"] = "mallory",
            ["username"] = "admin", ["password"] = TestAuth.AdminPassword,
        });
        using var anonymous = new HttpClient { BaseAddress = server.BaseAddress };
        Assert.Equal(HttpStatusCode.OK, (await anonymous.PostAsync("/nacos/v1/cs/configs", form, Ct)).StatusCode);

        var history = await (await server.Client.GetAsync("/v1/namespaces/public/groups/DEFAULT_GROUP/configs/app.properties/history", Ct)).Content.ReadAsStringAsync(Ct);
        Assert.Contains("\"admin\"", history, StringComparison.Ordinal);
        Assert.DoesNotContain("mallory", history, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_nacos_login_says_global_admin_only_for_administrators()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        Assert.Equal(HttpStatusCode.OK, (await server.Client.PutAsJsonAsync("/v1/auth/roles/dev-reader", new { grants = new[] { new { @namespace = "dev", actions = new[] { "read" } } } }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await server.Client.PostAsJsonAsync("/v1/auth/users", new { username = "carol", password = "carol-password-1", roles = new[] { "dev-reader" } }, Ct)).StatusCode);
        using var anonymous = new HttpClient { BaseAddress = server.BaseAddress };

        async Task<bool> GlobalAdmin(string user, string password)
        {
            using var body = new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = user, ["password"] = password });
            var response = await anonymous.PostAsync("/nacos/v1/auth/login", body, Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("globalAdmin").GetBoolean();
        }

        Assert.True(await GlobalAdmin("admin", TestAuth.AdminPassword));
        Assert.False(await GlobalAdmin("carol", "carol-password-1"));
        using var wrong = new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = "carol", ["password"] = "any-password-at-all" });
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync("/nacos/v1/auth/login", wrong, Ct)).StatusCode);
    }

    private sealed record Ns(string Id);

    private sealed record Page(int Total);
}
