using System.Net;
using System.Net.Http.Json;
using System.Text;
using Meridian.Server.Tests.Infrastructure;
using Meridian.Server.Tests.Protocols.Eureka;
using Meridian.Server.Tests.Protocols.Nacos;

namespace Meridian.Server.Tests.Protocols;

/// <summary>Input a hostile or broken client sends gets a 400 saying what is wrong, never a 500.</summary>
public sealed class MalformedInputTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("POST", "/nacos/v1/ns/instance", "serviceName=DEFAULT_GROUP%40%40a%00b&ip=10.0.0.1&port=80")]
    [InlineData("POST", "/nacos/v1/cs/configs", "dataId=app.properties&group=DEFAULT_GROUP&content=a%00")]
    [InlineData("PUT", "/nacos/v1/ns/instance/beat", "serviceName=DEFAULT_GROUP%40%40svc&beat=%00")]
    public async Task A_nul_byte_in_a_nacos_form_body_is_answered_400(string method, string path, string form)
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        using var request = new HttpRequestMessage(new HttpMethod(method), path)
        {
            Content = new StringContent(form, Encoding.ASCII, "application/x-www-form-urlencoded"),
        };
        using var response = await server.Client.SendAsync(request, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{path} answered {(int)response.StatusCode}: {body}");
        Assert.Contains("form body cannot be read", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_lone_surrogate_in_nacos_metadata_or_a_beat_is_answered_400()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        var lone = Uri.EscapeDataString("""{"k":"\ud800"}""");

        var register = await server.Client.SendAsync(HttpMethod.Post, "/nacos/v1/ns/instance",
            $"serviceName=DEFAULT_GROUP%40%40svc&ip=10.0.0.1&port=80&metadata={lone}", Ct);
        Assert.True(register.Status == HttpStatusCode.BadRequest, $"register answered {(int)register.Status}: {register.Body}");
        Assert.Contains("metadata format incorrect", register.Body, StringComparison.Ordinal);

        var beat = Uri.EscapeDataString("""{"serviceName":"DEFAULT_GROUP@@svc","ip":"\ud800","port":80}""");
        var beaten = await server.Client.SendAsync(HttpMethod.Put, "/nacos/v1/ns/instance/beat", $"serviceName=DEFAULT_GROUP%40%40svc&beat={beat}", Ct);
        Assert.True(beaten.Status == HttpStatusCode.BadRequest, $"beat answered {(int)beaten.Status}: {beaten.Body}");
        Assert.Contains("not valid JSON", beaten.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_lone_surrogate_in_a_eureka_registration_is_answered_400()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        var json = EurekaHttp.InstanceJson("ORDERS", "orders-1").Replace("orders-1.local", "\\ud800", StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.BadRequest, await server.Client.EurekaRegisterAsync("ORDERS", json, Ct));
        Assert.Equal(HttpStatusCode.NoContent, await server.Client.EurekaRegisterAsync("ORDERS", EurekaHttp.InstanceJson("ORDERS", "orders-1"), Ct));
    }

    [Fact]
    public async Task Metadata_or_an_instance_id_that_xml_cannot_carry_is_refused_and_eureka_xml_reads_keep_working()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        using var native = await server.Client.RegisterAsync("orders", new { ip = "10.0.0.1", port = 80, metadata = new Dictionary<string, string> { ["k"] = "a\ufffeb" } });
        Assert.Contains("U+FFFE", (await native.ProblemAsync(HttpStatusCode.BadRequest)).Errors!["metadata"][0], StringComparison.Ordinal);
        using var id = await server.Client.RegisterAsync("orders", new { ip = "10.0.0.1", port = 80, instanceId = "a\u0001b" });
        Assert.Contains("U+0001", (await id.ProblemAsync(HttpStatusCode.BadRequest)).Errors!["instanceId"][0], StringComparison.Ordinal);

        var nacos = await server.Client.SendAsync(HttpMethod.Post, "/nacos/v1/ns/instance",
            $"serviceName=orders&ip=10.0.0.2&port=80&metadata={Uri.EscapeDataString("{\"k\":\"\u0001\"}")}", Ct);
        Assert.True(nacos.Status == HttpStatusCode.BadRequest, $"nacos answered {(int)nacos.Status}: {nacos.Body}");
        var eureka = EurekaHttp.InstanceJson("ORDERS", "orders-1", extra: ",\"metadata\":{\"zone\":\"\\uffff\"}");
        Assert.Equal(HttpStatusCode.BadRequest, await server.Client.EurekaRegisterAsync("ORDERS", eureka, Ct));

        Assert.Equal(HttpStatusCode.NoContent, await server.Client.EurekaRegisterAsync("ORDERS", EurekaHttp.InstanceJson("ORDERS", "orders-1"), Ct));
        var (status, body, _) = await server.Client.EurekaGetAsync("/eureka/apps", Ct, accept: null);
        Assert.True(status == HttpStatusCode.OK, $"XML read answered {(int)status}: {body}");
    }

    [Theory]
    [InlineData("text/html")]
    [InlineData("application/xml")]
    [InlineData("2147483648")]
    public async Task Errors_are_problem_json_even_when_accept_leaves_json_out(string accept)
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        using var anonymous = new HttpClient { BaseAddress = server.BaseAddress };
        foreach (var (client, expected) in new[] { (server.Client, HttpStatusCode.NotFound), (anonymous, HttpStatusCode.Unauthorized) })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/namespaces/nope");
            request.Headers.TryAddWithoutValidation("Accept", accept);
            using var response = await client.SendAsync(request, Ct);
            var problem = await response.ProblemAsync(expected);
            Assert.False(string.IsNullOrEmpty(problem.Detail));
        }
    }

    [Theory]
    [InlineData("ibm-bogus")]
    [InlineData("\"utf-8\"")]
    [InlineData("utf-7")]
    public async Task A_json_body_in_a_charset_the_server_cannot_decode_is_answered_415(string charset)
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/namespaces")
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes("""{"id":"dev","name":"dev","description":""}""")),
        };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", $"application/json; charset={charset}");
        using var response = await server.Client.SendAsync(request, Ct);
        Assert.Contains("charset", (await response.ProblemAsync(HttpStatusCode.UnsupportedMediaType)).Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("multipart/form-data; boundary=b", "--b\r\nContent-Disposition: form-data; name=\"serviceName\"\r\n\r\norders\r\n--b", "form body")]
    [InlineData("multipart/form-data; boundary=b", "--b\r\nContent-Disposition: form", "ended early")]
    [InlineData("application/x-www-form-urlencoded; charset=utf-7", "serviceName=orders&ip=10.0.0.1&port=80", "as UTF-8")]
    public async Task A_nacos_form_cut_short_or_in_utf7_is_answered_400(string contentType, string body, string expected)
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/nacos/v1/ns/instance") { Content = new ByteArrayContent(Encoding.ASCII.GetBytes(body)) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        using var response = await server.Client.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"answered {(int)response.StatusCode}: {text}");
        Assert.Contains(expected, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_eureka_xml_registration_whose_declaration_names_a_garbled_encoding_is_answered_400()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        using var content = new ByteArrayContent([.. "<?xml version=\"1.0f-"u8, 0xF4, 0x90, 0x80, 0x80, .. "16\"?><instance/>"u8]);
        content.Headers.TryAddWithoutValidation("Content-Type", "application/xml");
        using var response = await server.Client.PostAsync("/eureka/apps/ORDERS", content, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData("yaml", "deep")]
    [InlineData("yaml", "a: *nowhere\n")]
    [InlineData("yaml", "a: &x [*x]\n")]
    [InlineData("yaml", "\u0000: 1\n")]
    [InlineData("toml", "deep")]
    public async Task Typed_content_the_parsers_choke_on_is_answered_400_and_the_server_stays_up(string type, string content)
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        content = content == "deep" ? (type == "toml" ? "a = " : "") + new string('[', 200_000) : content;
        using var response = await server.Client.PutAsJsonAsync("/v1/namespaces/public/groups/DEFAULT_GROUP/configs/app." + type, new { content, type }, Ct);
        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("content", problem.Errors!.Keys);
        using var live = await server.Client.GetAsync("/health/live", Ct);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }

    [Theory]
    [InlineData("/v1/auth/keys", """{"name":"k","namespaces":["*"],"scopes":[null]}""")]
    [InlineData("/v1/auth/users", """{"username":"u1","password":"long-enough-password","roles":[null]}""")]
    public async Task A_null_in_an_auth_list_is_answered_400(string path, string json)
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        using var response = await server.Client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"), Ct);
        await response.ProblemAsync(HttpStatusCode.BadRequest);
        using var role = await server.Client.PutAsync("/v1/auth/roles/r1", new StringContent("""{"grants":[null]}""", Encoding.UTF8, "application/json"), Ct);
        await role.ProblemAsync(HttpStatusCode.BadRequest);
    }
}
