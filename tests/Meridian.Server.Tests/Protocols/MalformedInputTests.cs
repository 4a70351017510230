using System.Net;
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
}
