using Meridian.Cli.Tests.Infrastructure;

namespace Meridian.Cli.Tests.Namespaces;

public sealed class NamespaceCommandsTests(CliServer server) : IClassFixture<CliServer>
{
    [Fact]
    public async Task Creating_listing_and_removing_a_namespace_shows_in_the_table_and_in_json()
    {
        var created = CliAssert.Ok(await server.RunAsync("ns", "create", "ns-table", "--description", "Team table"));
        Assert.Contains("Created namespace ns-table", created.Stdout, StringComparison.Ordinal);

        var table = CliAssert.Ok(await server.RunAsync("ns", "ls"));
        Assert.Contains("│ ns-table", table.Stdout, StringComparison.Ordinal);
        Assert.Contains("Team table", table.Stdout, StringComparison.Ordinal);
        Assert.Contains("SERVICES", table.Stdout, StringComparison.Ordinal);

        var json = CliAssert.Ok(await server.RunAsync("ns", "ls", "-o", "json")).Json.AsArray();
        Assert.Equal("public", json[0]!["id"]!.GetValue<string>());
        var mine = Assert.Single(json, n => n!["id"]!.GetValue<string>() == "ns-table")!;
        Assert.Equal("Team table", mine["description"]!.GetValue<string>());
        Assert.Equal(0, mine["serviceCount"]!.GetValue<int>());

        var removed = CliAssert.Ok(await server.RunAsync("ns", "rm", "ns-table", "-o", "json")).Json;
        Assert.True(removed["deleted"]!.GetValue<bool>());
        var after = CliAssert.Ok(await server.RunAsync("ns", "ls", "-o", "json")).Json.AsArray();
        Assert.DoesNotContain(after, n => n!["id"]!.GetValue<string>() == "ns-table");
    }

    [Fact]
    public async Task Creating_a_namespace_in_json_prints_the_created_namespace()
    {
        var created = CliAssert.Ok(await server.RunAsync("ns", "create", "ns-json", "--name", "Json team", "-o", "json")).Json;
        Assert.Equal("ns-json", created["id"]!.GetValue<string>());
        Assert.Equal("Json team", created["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Exit_codes_tell_usage_not_found_conflict_auth_and_unreachable_apart()
    {
        var usage = CliAssert.Exits(1, await server.RunAsync("ns", "frobnicate"));
        Assert.Contains("frobnicate", usage.Stderr, StringComparison.Ordinal);
        CliAssert.Exits(1, await server.RunAsync("ns", "ls", "-o", "yaml"));
        var invalid = CliAssert.Exits(1, await server.RunAsync("ns", "create", "not a valid id!"));
        Assert.StartsWith("error: ", invalid.Stderr, StringComparison.Ordinal);

        var missing = CliAssert.Exits(2, await server.RunAsync("ns", "rm", "no-such-namespace"));
        Assert.Contains("'no-such-namespace' does not exist", missing.Stderr, StringComparison.Ordinal);

        var conflict = CliAssert.Exits(3, await server.RunAsync("ns", "create", "public"));
        Assert.Contains("already exists", conflict.Stderr, StringComparison.Ordinal);

        var wrongToken = CliAssert.Exits(4, await server.RunAsAsync(server.Environment(("MERIDIAN_TOKEN", "not-a-token")), "ns", "ls"));
        Assert.Contains("meridian login", wrongToken.Stderr, StringComparison.Ordinal);
        CliAssert.Exits(4, await server.RunAsAsync(new Dictionary<string, string> { ["HOME"] = server.Home, ["MERIDIAN_SERVER"] = server.Address.ToString() }, "ns", "ls"));

        var closed = ClosedPort();
        var unreachable = CliAssert.Exits(5, await server.RunAsync("ns", "ls", "--server", $"127.0.0.1:{closed}"));
        Assert.Contains($"Cannot reach the Meridian server at http://127.0.0.1:{closed}/", unreachable.Stderr, StringComparison.Ordinal);

        CliAssert.Exits(1, await server.RunAsync("ns", "ls", "--server", "ftp://example"));
    }

    /// <summary>A port nothing listens on: bound, read, and released.</summary>
    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
