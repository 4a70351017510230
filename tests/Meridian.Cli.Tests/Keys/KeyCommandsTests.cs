using Meridian.Cli.Tests.Infrastructure;

namespace Meridian.Cli.Tests.Keys;

public sealed class KeyCommandsTests(CliServer server) : IClassFixture<CliServer>
{
    [Fact]
    public async Task A_created_key_works_as_a_token_within_its_scope_until_it_is_revoked()
    {
        await server.ArrangeAsync(HttpMethod.Put, "/v1/namespaces/public/groups/DEFAULT_GROUP/configs/keyed.txt", new { content = "hello" });

        var created = CliAssert.Ok(await server.RunAsync("key", "create", "reader", "--scope", "config:read", "-n", "public"));
        Assert.Contains("Created access key reader", created.Stdout, StringComparison.Ordinal);
        Assert.Contains("not shown again", created.Stdout, StringComparison.Ordinal);
        var secret = created.Stdout.Split('\n').Single(l => l.StartsWith("mrd_", StringComparison.Ordinal)).Trim();

        var asKey = server.Environment(("MERIDIAN_TOKEN", secret));
        Assert.Equal("hello", CliAssert.Ok(await server.RunAsAsync(asKey, "cfg", "get", "keyed.txt")).Stdout);
        var denied = CliAssert.Exits(4, await server.RunAsAsync(asKey, "cfg", "set", "keyed.txt", "changed"));
        Assert.Contains("error:", denied.Stderr, StringComparison.Ordinal);

        var listed = CliAssert.Ok(await server.RunAsync("key", "ls", "-o", "json")).Json.AsArray();
        var key = Assert.Single(listed, k => k!["name"]!.GetValue<string>() == "reader")!;
        Assert.Null(key["key"]);
        var id = key["id"]!.GetValue<string>();
        var table = CliAssert.Ok(await server.RunAsync("key", "ls"));
        Assert.Contains(id, table.Stdout, StringComparison.Ordinal);
        Assert.Contains("public/*: config:read", table.Stdout, StringComparison.Ordinal);
        Assert.Contains("active", table.Stdout, StringComparison.Ordinal);

        var revoked = CliAssert.Ok(await server.RunAsync("key", "revoke", id, "-o", "json")).Json;
        Assert.NotNull(revoked["revokedAt"]);
        Assert.Contains("revoked", CliAssert.Ok(await server.RunAsync("key", "ls")).Stdout, StringComparison.Ordinal);
        CliAssert.Exits(4, await server.RunAsAsync(asKey, "cfg", "get", "keyed.txt"));
        CliAssert.Exits(2, await server.RunAsync("key", "revoke", "key_0000000000000000"));
    }

    [Fact]
    public async Task Creating_a_key_in_json_gives_its_secret_and_grants()
    {
        var created = CliAssert.Ok(await server.RunAsync("key", "create", "orders", "-n", "public", "--scope", "register", "--scope", "discovery:read", "-o", "json")).Json;
        Assert.StartsWith("mrd_", created["key"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("orders", created["name"]!.GetValue<string>());
        Assert.Equal(2, created["grants"]!.AsArray().Count);

        CliAssert.Exits(1, await server.RunAsync("key", "create", "bad", "--scope", "everything"));
    }
}
