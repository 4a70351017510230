using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Meridian.Server.Tests.Infrastructure;

namespace Meridian.Server.Tests.Api.Config;

public sealed class ConfigTransferApiTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public sealed record RefDto(string Namespace, string Group, string DataId);

    public sealed record FailureDto(string Namespace, string Group, string DataId, string Reason);

    public sealed record ReportDto(List<RefDto> Created, List<RefDto> Skipped, List<RefDto> Overwritten, List<FailureDto> Failed);

    private static async Task PutAsync(HttpClient client, string ns, string group, string dataId, object body)
    {
        using var response = await client.PutAsJsonAsync(ConfigWire.Path(dataId, ns, group), body, Ct);
        Assert.True(response.IsSuccessStatusCode, $"publish {ns}/{group}/{dataId}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
    }

    private static Task<HttpResponseMessage> ImportAsync(HttpClient client, string ns, byte[] zip, string? policy = null)
    {
        var content = new ByteArrayContent(zip);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
        return client.PostAsync($"/v1/namespaces/{ns}/configs/import{(policy is null ? "" : $"?policy={policy}")}", content, Ct);
    }

    private static byte[] Zip(params (string Path, string Content)[] entries)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (path, content) in entries)
            {
                using var writer = new StreamWriter(zip.CreateEntry(path).Open(), new UTF8Encoding(false));
                writer.Write(content);
            }
        }

        return buffer.ToArray();
    }

    private static Task<ConfigWire.ConfigDto> ReadAsync(HttpClient client, string ns, string group, string dataId) =>
        client.GetAsync(ConfigWire.Path(dataId, ns, group) + "?format=json", Ct).ContinueWith(t => t.Result.ReadAsync<ConfigWire.ConfigDto>()).Unwrap();

    [Fact]
    public async Task An_export_imports_into_another_namespace_with_content_and_metadata_and_the_policies_decide_about_existing_configs()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        await Users.CreateNamespaceAsync(server, "dev", Ct);
        await Users.CreateNamespaceAsync(server, "staging", Ct);
        await PutAsync(server.Client, "dev", "DEFAULT_GROUP", "userservice-dev.yaml", new { content = "port: 8080\n", type = "yaml", tags = new[] { "team-a", "web" }, appName = "users", description = "the user service" });
        await PutAsync(server.Client, "dev", "ORDERS", "orders.properties", new { content = "retries=3" });

        using var export = await server.Client.GetAsync("/v1/namespaces/dev/configs/export", Ct);
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Equal("application/zip", export.Content.Headers.ContentType?.MediaType);
        var zip = await export.Content.ReadAsByteArrayAsync(Ct);
        using (var archive = new ZipArchive(new MemoryStream(zip)))
        {
            Assert.Equal([".metadata.yml", "DEFAULT_GROUP/userservice-dev.yaml", "ORDERS/orders.properties"], archive.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal));
        }

        var first = await (await ImportAsync(server.Client, "staging", zip)).ReadAsync<ReportDto>();
        Assert.Equal(2, first.Created.Count);
        Assert.Empty(first.Failed);
        var imported = await ReadAsync(server.Client, "staging", "DEFAULT_GROUP", "userservice-dev.yaml");
        Assert.Equal(("port: 8080\n", "yaml", "users", "the user service"), (imported.Content, imported.Type, imported.AppName, imported.Description));
        Assert.Equal(["team-a", "web"], imported.Tags);

        // abort (the default): one exists, so nothing is written.
        await PutAsync(server.Client, "staging", "ORDERS", "orders.properties", new { content = "retries=5" });
        await PutAsync(server.Client, "dev", "ORDERS", "new.properties", new { content = "a=1" });
        using var zip2Response = await server.Client.GetAsync("/v1/namespaces/dev/configs/export", Ct);
        var zip2 = await zip2Response.Content.ReadAsByteArrayAsync(Ct);
        var aborted = await (await ImportAsync(server.Client, "staging", zip2)).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("'skip'", aborted.Detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await server.Client.GetAsync(ConfigWire.Path("new.properties", "staging", "ORDERS"), Ct)).StatusCode);

        var skipped = await (await ImportAsync(server.Client, "staging", zip2, "skip")).ReadAsync<ReportDto>();
        Assert.Equal(["new.properties"], skipped.Created.Select(c => c.DataId));
        Assert.Equal(["orders.properties", "userservice-dev.yaml"], skipped.Skipped.Select(c => c.DataId).Order(StringComparer.Ordinal));
        Assert.Equal("retries=5", (await ReadAsync(server.Client, "staging", "ORDERS", "orders.properties")).Content);

        var overwritten = await (await ImportAsync(server.Client, "staging", zip2, "overwrite")).ReadAsync<ReportDto>();
        Assert.Equal(3, overwritten.Overwritten.Count);
        Assert.Equal("retries=3", (await ReadAsync(server.Client, "staging", "ORDERS", "orders.properties")).Content);
    }

    [Fact]
    public async Task An_export_holds_only_what_the_caller_may_read_and_an_import_needs_write_on_every_config()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        await Users.CreateNamespaceAsync(server, "dev", Ct);
        await PutAsync(server.Client, "dev", "OPEN", "a.txt", new { content = "a" });
        await PutAsync(server.Client, "dev", "SECRET", "b.txt", new { content = "b" });
        using var reader = await Users.CreateAsync(server, "olga", [new { @namespace = "dev", group = "OPEN", actions = new[] { "read" } }], Ct);

        using var export = await reader.GetAsync("/v1/namespaces/dev/configs/export", Ct);
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        using (var archive = new ZipArchive(new MemoryStream(await export.Content.ReadAsByteArrayAsync(Ct))))
        {
            Assert.Equal([".metadata.yml", "OPEN/a.txt"], archive.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal));
        }

        var denied = await (await ImportAsync(reader, "dev", Zip(("OPEN/c.txt", "c")))).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains("may not change config 'dev/OPEN/c.txt'", denied.Detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await server.Client.GetAsync(ConfigWire.Path("c.txt", "dev", "OPEN"), Ct)).StatusCode);
    }

    [Fact]
    public async Task Archives_with_paths_outside_group_and_data_id_or_past_the_limits_are_refused_before_anything_is_written()
    {
        await using var server = await TestServer.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Meridian:Config:MaxArchiveEntries"] = "3",
            ["Meridian:Config:MaxArchiveBytes"] = "4096",
            ["Meridian:Config:MaxContentBytes"] = "1000",
        }, cancellationToken: Ct);

        foreach (var path in new[] { "../evil.txt", "/abs/evil.txt", "G/../../evil.txt", "a/b/c.txt", "G\\evil.txt", "G/bad name.txt" })
        {
            var slip = await (await ImportAsync(server.Client, "public", Zip(("G/ok.txt", "ok"), (path, "x")), "overwrite")).ProblemAsync(HttpStatusCode.BadRequest);
            Assert.Contains("archive", slip.Errors!.Keys);
            Assert.Contains(path, slip.Errors["archive"][0], StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await server.Client.GetAsync(ConfigWire.Path("ok.txt", group: "G"), Ct)).StatusCode);

        var notZip = await (await ImportAsync(server.Client, "public", Encoding.UTF8.GetBytes("not a zip"))).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("not a zip", notZip.Errors!["archive"][0], StringComparison.Ordinal);

        var empty = await (await ImportAsync(server.Client, "public", [])).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("request body", empty.Errors!["archive"][0], StringComparison.Ordinal);

        var many = await (await ImportAsync(server.Client, "public", Zip(("G/1", "1"), ("G/2", "2"), ("G/3", "3"), ("G/4", "4")))).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("at most 3", many.Errors!["archive"][0], StringComparison.Ordinal);

        // Zeros compress to almost nothing: the uncompressed size is what counts.
        var inflated = await (await ImportAsync(server.Client, "public", Zip(("G/big.txt", new string('0', 2000))))).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("at most 1000 are allowed per config", inflated.Errors!["archive"][0], StringComparison.Ordinal);

        var large = await (await ImportAsync(server.Client, "public", new byte[8192])).ProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("MaxArchiveBytes", large.Detail, StringComparison.Ordinal);

        var policy = await (await ImportAsync(server.Client, "public", Zip(("G/1", "1")), "replace")).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("policy", policy.Errors!.Keys);

        var invalid = await (await ImportAsync(server.Client, "public", Zip(("G/ok.json", "{\"a\":1}"), ("G/broken.json", "{nope")))).ReadAsync<ReportDto>();
        Assert.Equal(["ok.json"], invalid.Created.Select(c => c.DataId));
        Assert.Contains("not valid json", Assert.Single(invalid.Failed).Reason, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.NotFound, (await ImportAsync(server.Client, "nowhere", Zip(("G/1", "1")))).StatusCode);
    }

    [Fact]
    public async Task Clone_copies_the_chosen_configs_to_another_namespace_under_the_policy()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        await Users.CreateNamespaceAsync(server, "dev", Ct);
        await Users.CreateNamespaceAsync(server, "staging", Ct);
        await PutAsync(server.Client, "dev", "DEFAULT_GROUP", "a.yaml", new { content = "a: 1\n", tags = new[] { "t" } });
        await PutAsync(server.Client, "dev", "DEFAULT_GROUP", "b.yaml", new { content = "b: 1\n" });
        await PutAsync(server.Client, "staging", "DEFAULT_GROUP", "b.yaml", new { content = "b: 2\n" });
        object Body(string policy) => new { targetNamespace = "staging", policy, configs = new[] { new { group = "DEFAULT_GROUP", dataId = "a.yaml" }, new { group = "DEFAULT_GROUP", dataId = "b.yaml" } } };

        var aborted = await (await server.Client.PostAsJsonAsync("/v1/namespaces/dev/configs/clone", Body("abort"), Ct)).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("staging/DEFAULT_GROUP/b.yaml", aborted.Detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await server.Client.GetAsync(ConfigWire.Path("a.yaml", "staging"), Ct)).StatusCode);

        var skipped = await (await server.Client.PostAsJsonAsync("/v1/namespaces/dev/configs/clone", Body("skip"), Ct)).ReadAsync<ReportDto>();
        Assert.Equal(["a.yaml"], skipped.Created.Select(c => c.DataId));
        Assert.Equal(["b.yaml"], skipped.Skipped.Select(c => c.DataId));
        var clone = await ReadAsync(server.Client, "staging", "DEFAULT_GROUP", "a.yaml");
        Assert.Equal(("a: 1\n", "yaml"), (clone.Content, clone.Type));
        Assert.Equal(["t"], clone.Tags);

        var overwritten = await (await server.Client.PostAsJsonAsync("/v1/namespaces/dev/configs/clone", Body("overwrite"), Ct)).ReadAsync<ReportDto>();
        Assert.Contains(overwritten.Overwritten, c => c.DataId == "b.yaml");
        Assert.Equal("b: 1\n", (await ReadAsync(server.Client, "staging", "DEFAULT_GROUP", "b.yaml")).Content);
    }

    [Fact]
    public async Task Clone_needs_read_on_the_source_and_write_on_the_target_and_bad_requests_say_what_to_fix()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        await Users.CreateNamespaceAsync(server, "dev", Ct);
        await Users.CreateNamespaceAsync(server, "staging", Ct);
        await PutAsync(server.Client, "dev", "DEFAULT_GROUP", "a.yaml", new { content = "a: 1\n" });
        using var devReader = await Users.CreateAsync(server, "rhea", [new { @namespace = "dev", actions = new[] { "read" } }], Ct);
        using var stagingWriter = await Users.CreateAsync(server, "will", [new { @namespace = "staging", actions = new[] { "read", "write" } }], Ct);
        var body = new { targetNamespace = "staging", configs = new[] { new { group = "DEFAULT_GROUP", dataId = "a.yaml" } } };

        var noWrite = await (await devReader.PostAsJsonAsync("/v1/namespaces/dev/configs/clone", body, Ct)).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains("may not change config 'staging/DEFAULT_GROUP/a.yaml'", noWrite.Detail, StringComparison.Ordinal);
        var noRead = await (await stagingWriter.PostAsJsonAsync("/v1/namespaces/dev/configs/clone", body, Ct)).ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains("may not read config 'dev/DEFAULT_GROUP/a.yaml'", noRead.Detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await server.Client.GetAsync(ConfigWire.Path("a.yaml", "staging"), Ct)).StatusCode);

        var same = await (await server.Client.PostAsJsonAsync("/v1/namespaces/dev/configs/clone", new { targetNamespace = "dev", configs = body.configs }, Ct)).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("targetNamespace", same.Errors!.Keys);
        var none = await (await server.Client.PostAsJsonAsync("/v1/namespaces/dev/configs/clone", new { targetNamespace = "staging", configs = Array.Empty<object>() }, Ct)).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("configs", none.Errors!.Keys);
        var badName = await (await server.Client.PostAsJsonAsync("/v1/namespaces/dev/configs/clone", new { targetNamespace = "staging", policy = "merge", configs = new[] { new { dataId = "bad id" } } }, Ct)).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("policy", badName.Errors!.Keys);
        var missing = await (await server.Client.PostAsJsonAsync("/v1/namespaces/dev/configs/clone", new { targetNamespace = "staging", configs = new[] { new { dataId = "absent.yaml" } } }, Ct)).ProblemAsync(HttpStatusCode.NotFound);
        Assert.Contains("absent.yaml", missing.Detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await server.Client.PostAsJsonAsync("/v1/namespaces/dev/configs/clone", new { targetNamespace = "nowhere", configs = body.configs }, Ct)).StatusCode);
    }
}
