using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Meridian.Server.Tests.Infrastructure;

namespace Meridian.Server.Tests.Api.Config;

public sealed class ConfigApiTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Published_config_is_read_back_raw_and_as_json_and_gone_after_delete()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        var put = await server.Client.PutConfigAsync("userservice-dev.yaml",
            new { content = "server:\n  port: 8080\n", appName = "userservice", tags = new[] { "dev" }, description = "user service, dev" });
        var published = await put.ReadAsync<ConfigWire.ConfigDto>();
        Assert.Equal(("yaml", 1L, "userservice", "DEFAULT_GROUP"), (published.Type, published.Version, published.AppName, published.Group));
        Assert.Equal($"\"{published.Md5}\"", put.Headers.ETag?.Tag);

        var raw = await server.Client.GetAsync(ConfigWire.Path("userservice-dev.yaml"), Ct);
        Assert.Equal(HttpStatusCode.OK, raw.StatusCode);
        Assert.Equal("server:\n  port: 8080\n", await raw.Content.ReadAsStringAsync(Ct));
        Assert.Equal("application/yaml", raw.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"\"{published.Md5}\"", raw.Headers.ETag?.Tag);

        var json = await (await server.Client.GetAsync(ConfigWire.Path("userservice-dev.yaml") + "?format=json", Ct)).ReadAsync<ConfigWire.ConfigDto>();
        Assert.Equal(published, json with { Tags = published.Tags });
        Assert.Equal(["dev"], json.Tags);

        Assert.Equal(HttpStatusCode.NoContent, (await server.Client.DeleteAsync(ConfigWire.Path("userservice-dev.yaml"), Ct)).StatusCode);
        await (await server.Client.GetAsync(ConfigWire.Path("userservice-dev.yaml"), Ct)).ProblemAsync(HttpStatusCode.NotFound);
        await (await server.Client.DeleteAsync(ConfigWire.Path("userservice-dev.yaml"), Ct)).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Get_answers_304_when_if_none_match_names_the_current_md5()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        var v1 = await server.Client.PublishAsync("app.properties", "a=1");

        using var conditional = new HttpRequestMessage(HttpMethod.Get, ConfigWire.Path("app.properties"));
        conditional.Headers.IfNoneMatch.Add(new EntityTagHeaderValue($"\"{v1.Md5}\""));
        var notModified = await server.Client.SendAsync(conditional, Ct);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Equal($"\"{v1.Md5}\"", notModified.Headers.ETag?.Tag);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync(Ct));

        await server.Client.PublishAsync("app.properties", "a=2");
        using var stale = new HttpRequestMessage(HttpMethod.Get, ConfigWire.Path("app.properties"));
        stale.Headers.IfNoneMatch.Add(new EntityTagHeaderValue($"\"{v1.Md5}\""));
        var changed = await server.Client.SendAsync(stale, Ct);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal("a=2", await changed.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Publish_with_a_stale_expected_md5_is_refused_with_409()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        var v1 = await server.Client.PublishAsync("app.json", "{\"a\":1}");
        var v2 = await server.Client.PublishAsync("app.json", "{\"a\":2}");

        var conflict = await server.Client.PutConfigAsync("app.json", new { content = "{\"a\":3}", expectedMd5 = v1.Md5 });
        var problem = await conflict.ProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains(v2.Md5, problem.Detail, StringComparison.Ordinal);

        var missing = await server.Client.PutConfigAsync("absent.json", new { content = "{}", expectedMd5 = v1.Md5 });
        await missing.ProblemAsync(HttpStatusCode.Conflict);

        var ok = await (await server.Client.PutConfigAsync("app.json", new { content = "{\"a\":3}", expectedMd5 = v2.Md5 })).ReadAsync<ConfigWire.ConfigDto>();
        Assert.Equal(3, ok.Version);
    }

    [Theory]
    [InlineData("bad.yaml", "server:\n  port: 8080\n  - oops\n", "yaml", "line 3, column 3")]
    [InlineData("bad.json", "{\n  \"a\": 1,\n  \"b\": tru\n}", "json", "line 3, column 11")]
    [InlineData("bad.conf", "{\"a\": }", "json", "line 1, column 7")]
    public async Task Invalid_typed_content_is_refused_with_400_naming_line_and_column(string dataId, string content, string type, string where)
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        var response = await server.Client.PutConfigAsync(dataId, new { content, type = dataId.EndsWith(".conf", StringComparison.Ordinal) ? type : null });

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        var message = Assert.Single(problem.Errors!["content"]);
        Assert.Contains($"not valid {type} at {where}", message, StringComparison.Ordinal);
        await (await server.Client.GetAsync(ConfigWire.Path(dataId), Ct)).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Bad_names_an_unknown_type_and_oversized_content_are_refused_with_what_to_fix()
    {
        await using var server = await TestServer.StartAsync(settings: new Dictionary<string, string?> { ["Meridian:Config:MaxContentBytes"] = "100" }, cancellationToken: Ct);

        var problem = await (await server.Client.PutConfigAsync("a b", new { content = new string('x', 101), type = "ini" })).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("dataId", problem.Errors!.Keys);
        Assert.Contains("one of text, json, yaml, properties, xml, html, toml", problem.Errors["type"][0], StringComparison.Ordinal);

        var tooBig = await (await server.Client.PutConfigAsync("big.txt", new { content = new string('x', 101) })).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("at most 100", tooBig.Errors!["content"][0], StringComparison.Ordinal);

        var huge = await server.Client.PutConfigAsync("huge.txt", new { content = new string('x', 20_000) });
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.StatusCode);

        await (await server.Client.PutConfigAsync("a.txt", new { content = "x" }, ns: "missing")).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Search_filters_by_wildcards_tags_and_content_with_paging()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        await server.Client.PutConfigAsync("user-dev.yaml", new { content = "db: mysql", tags = new[] { "dev" } });
        await server.Client.PutConfigAsync("user-prod.yaml", new { content = "db: postgres", tags = new[] { "prod" } });
        await server.Client.PutConfigAsync("order-dev.yaml", new { content = "q: kafka", tags = new[] { "dev" } }, group: "ORDERS");

        async Task<ConfigWire.ConfigPageDto> Search(string query) =>
            await (await server.Client.GetAsync("/v1/namespaces/public/configs" + query, Ct)).ReadAsync<ConfigWire.ConfigPageDto>();

        Assert.Equal(["user-dev.yaml", "user-prod.yaml"], (await Search("?dataId=user*")).Items.Select(i => i.DataId));
        Assert.Equal(["order-dev.yaml"], (await Search("?group=ORD*")).Items.Select(i => i.DataId));
        Assert.Equal(["user-dev.yaml", "order-dev.yaml"], (await Search("?tags=dev")).Items.Select(i => i.DataId));
        Assert.Equal(["user-prod.yaml"], (await Search("?contentContains=POSTGRES")).Items.Select(i => i.DataId));
        var page = await Search("?pageNo=2&pageSize=2");
        Assert.Equal((3, 2, 2), (page.Total, page.PageNo, page.PageSize));
        Assert.Equal(("order-dev.yaml", 8), (Assert.Single(page.Items).DataId, page.Items[0].Size));

        var bad = await (await server.Client.GetAsync("/v1/namespaces/public/configs?pageNo=0&pageSize=5000&dataId=a%20b*", Ct)).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["dataId", "pageNo", "pageSize"], bad.Errors!.Keys.Order());
    }

    [Fact]
    public async Task A_namespace_holding_configs_cannot_be_deleted()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        (await server.Client.PostAsJsonAsync("/v1/namespaces", new { id = "dev" }, Ct)).EnsureSuccessStatusCode();
        (await server.Client.PutConfigAsync("a.txt", new { content = "x" }, ns: "dev")).EnsureSuccessStatusCode();

        var refused = await (await server.Client.DeleteAsync("/v1/namespaces/dev", Ct)).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("configs", refused.Detail, StringComparison.Ordinal);

        (await server.Client.DeleteAsync(ConfigWire.Path("a.txt", ns: "dev"), Ct)).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.NoContent, (await server.Client.DeleteAsync("/v1/namespaces/dev", Ct)).StatusCode);
    }

    [Fact]
    public async Task Configs_survive_a_restart_with_their_versions()
    {
        var data = TestServer.NewDataDirectory();
        try
        {
            await using (var first = await TestServer.StartAsync(dataDirectory: data, cancellationToken: Ct))
            {
                await first.Client.PublishAsync("app.toml", "[server]\nport = 1\n");
                await first.Client.PublishAsync("app.toml", "[server]\nport = 2\n");
            }

            await using var second = await TestServer.StartAsync(dataDirectory: data, cancellationToken: Ct);
            var json = await (await second.Client.GetAsync(ConfigWire.Path("app.toml") + "?format=json", Ct)).ReadAsync<ConfigWire.ConfigDto>();
            Assert.Equal(("[server]\nport = 2\n", "toml", 2L), (json.Content, json.Type, json.Version));
            Assert.Equal(3, (await second.Client.PublishAsync("app.toml", "[server]\nport = 3\n")).Version);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}
