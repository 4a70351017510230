using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Meridian.Config.Listening;
using Meridian.Server.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Meridian.Server.Tests.Protocols.Nacos;

public sealed class NacosConfigApiTests
{
    private const string Configs = "/nacos/v1/cs/configs";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Published_content_is_read_back_byte_for_byte_with_its_md5_and_type()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        const string content = "name=世界 & co\nempty=\n";
        Assert.Equal((HttpStatusCode.OK, "true"), await PublishAsync(server, "app.properties", content, "properties"));

        using var response = await server.Client.GetAsync($"{Configs}?dataId=app.properties&group=DEFAULT_GROUP&tenant=", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Encoding.UTF8.GetBytes(content), await response.Content.ReadAsByteArrayAsync(Ct));
        Assert.Equal(Md5(content), response.Content.Headers.NonValidated["Content-MD5"].ToString());
        Assert.Equal("properties", response.Headers.GetValues("Config-Type").Single());
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-cache,no-store", response.Headers.NonValidated["Cache-Control"].ToString());
    }

    [Fact]
    public async Task Missing_config_answers_404_config_data_not_exist()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        using var response = await server.Client.GetAsync($"{Configs}?dataId=none&group=DEFAULT_GROUP", Ct);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("config data not exist\n", await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Blank_content_and_invalid_ids_are_refused_with_400_and_delete_answers_true_even_for_nothing()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        var blank = await PublishAsync(server, "x", "   ", null);
        Assert.Equal(HttpStatusCode.BadRequest, blank.Status);
        Assert.StartsWith("caused: ", blank.Body, StringComparison.Ordinal);

        var badId = await PublishAsync(server, "bad id!", "a", null);
        Assert.Equal(HttpStatusCode.BadRequest, badId.Status);

        using var deleted = await server.Client.DeleteAsync($"{Configs}?dataId=never&group=DEFAULT_GROUP", Ct);
        Assert.Equal("true", await deleted.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Listener_answers_at_once_with_url_encoded_keys_whose_md5_differs()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        await PublishAsync(server, "d1", "one", null);
        await PublishAsync(server, "d2", "two", null, tenant: "ns1");

        var probe = $"d1\u0002DEFAULT_GROUP\u0002\u0001d2\u0002DEFAULT_GROUP\u0002{Md5("stale")}\u0002ns1\u0001d3\u0002DEFAULT_GROUP\u0002\u0001";
        var (status, body) = await ListenAsync(server, probe, timeoutMillis: 30000);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("d1%02DEFAULT_GROUP%01d2%02DEFAULT_GROUP%02ns1%01\n", body);
    }

    [Fact]
    public async Task Held_listener_is_answered_the_moment_its_config_changes()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        await PublishAsync(server, "watched", "v1", null);
        var held = server.Get<ConfigListeners>().Held.WaitAsync(_ => true, Ct);

        var answer = ListenAsync(server, $"watched\u0002DEFAULT_GROUP\u0002{Md5("v1")}\u0001", timeoutMillis: 30000);
        await held;
        Assert.False(answer.IsCompleted);
        await PublishAsync(server, "watched", "v2", null);

        Assert.Equal((HttpStatusCode.OK, "watched%02DEFAULT_GROUP%01\n"), await answer);
    }

    [Fact]
    public async Task Held_listener_answers_empty_after_the_timeout_less_half_a_second()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await TestServer.StartAsync(time, cancellationToken: Ct);
        await PublishAsync(server, "quiet", "v1", null);
        var held = server.Get<ConfigListeners>().Held.WaitAsync(_ => true, Ct);

        var answer = ListenAsync(server, $"quiet\u0002DEFAULT_GROUP\u0002{Md5("v1")}\u0001", timeoutMillis: 30000);
        await held;
        time.Advance(TimeSpan.FromMilliseconds(29_400));
        Assert.False(answer.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(100));

        Assert.Equal((HttpStatusCode.OK, ""), await answer);
    }

    [Fact]
    public async Task Listener_without_a_valid_probe_answers_400()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        Assert.Equal(HttpStatusCode.BadRequest, (await ListenAsync(server, "", timeoutMillis: 30000)).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await ListenAsync(server, "a\u0002b\u0002c\u0002d\u0002e\u0001", timeoutMillis: 30000)).Status);
    }

    [Fact]
    public async Task History_lists_versions_newest_first_and_reads_one_with_its_content()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        await PublishAsync(server, "h", "first", null);
        await PublishAsync(server, "h", "second", null);

        var page = JsonNode.Parse(await server.Client.GetStringAsync("/nacos/v1/cs/history?search=accurate&dataId=h&group=DEFAULT_GROUP", Ct))!;
        Assert.Equal(2, (int)page["totalCount"]!);
        var items = page["pageItems"]!.AsArray();
        Assert.Equal(["2", "1"], items.Select(i => (string?)i!["id"]));
        Assert.Equal(["U         ", "I         "], items.Select(i => (string?)i!["opType"]));

        var one = JsonNode.Parse(await server.Client.GetStringAsync("/nacos/v1/cs/history?nid=1&dataId=h&group=DEFAULT_GROUP", Ct))!;
        Assert.Equal("first", (string?)one["content"]);
        Assert.Equal(Md5("first"), (string?)one["md5"]);

        var previous = JsonNode.Parse(await server.Client.GetStringAsync("/nacos/v1/cs/history/previous?id=2&dataId=h&group=DEFAULT_GROUP", Ct))!;
        Assert.Equal("first", (string?)previous["content"]);
    }

    [Fact]
    public async Task Namespaces_count_their_configs()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        await PublishAsync(server, "a", "1", null, tenant: "team-b");
        await PublishAsync(server, "b", "2", null, tenant: "team-b");
        await PublishAsync(server, "c", "3", null);

        var data = JsonNode.Parse(await server.Client.GetStringAsync("/nacos/v1/console/namespaces", Ct))!["data"]!.AsArray();
        Assert.Equal(1, (int)data.Single(n => (string?)n!["namespace"] == "")!["configCount"]!);
        Assert.Equal(2, (int)data.Single(n => (string?)n!["namespace"] == "team-b")!["configCount"]!);
    }

    private static async Task<(HttpStatusCode Status, string Body)> PublishAsync(TestServer server, string dataId, string content, string? type, string tenant = "")
    {
        var form = new Dictionary<string, string> { ["dataId"] = dataId, ["group"] = "DEFAULT_GROUP", ["content"] = content, ["tenant"] = tenant, ["type"] = type ?? "", ["appName"] = "" };
        using var response = await server.Client.PostAsync(Configs, new FormUrlEncodedContent(form), Ct);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(Ct));
    }

    private static async Task<(HttpStatusCode Status, string Body)> ListenAsync(TestServer server, string probe, int timeoutMillis)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Configs + "/listener")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["Listening-Configs"] = probe }),
        };
        request.Headers.TryAddWithoutValidation("Long-Pulling-Timeout", timeoutMillis.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var response = await server.Client.SendAsync(request, Ct);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(Ct));
    }

    private static string Md5(string text) => Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(text)));
}
