using System.Net;
using Grpc.Core;
using Meridian.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace Meridian.Server.Tests.Auth;

public sealed class AnonymousAccessTests
{
    /// <summary>
    /// The endpoints that answer without credentials, on purpose: probes, logins and the web console's page (which holds
    /// no data; everything it shows comes from the API). Nothing else: the console's files and routes answer anonymous
    /// callers too, but its catch-all (probed here as '/x') asks for credentials on any other path.
    /// </summary>
    private static readonly HashSet<string> Public = new(StringComparer.Ordinal)
    {
        "/", "/health/live", "/health/ready", "/v1/auth/token", "POST /v1/auth/session", "/nacos/v1/auth/login", "/nacos/v1/auth/users/login", "/nacos/v3/auth/user/login",
    };

    /// <summary>
    /// Nacos 2.x gRPC: a connection is opened (server check, setup, health checks) before any credential is sent, as Nacos
    /// does, and each naming or config request inside is checked for its token. NacosGrpcTests shows a request without one
    /// refused (Unknown_types_bad_bodies_and_missing_tokens_get_ErrorResponse_with_Nacos_codes); here they must not
    /// answer a plain HTTP request at all.
    /// </summary>
    private static readonly HashSet<string> CheckedPerRequest = new(StringComparer.Ordinal)
    {
        "/Request/request", "/BiRequestStream/requestBiStream",
    };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_endpoint_of_every_protocol_refuses_an_anonymous_caller_except_health_and_login()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        using var anonymous = new HttpClient { BaseAddress = server.BaseAddress };
        using var http2 = new HttpClient { BaseAddress = server.GrpcAddress, DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        var endpoints = server.Get<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        var checkedRoutes = new List<string>();
        var admitted = new List<string>();
        foreach (var endpoint in endpoints)
        {
            var path = Concrete(endpoint.RoutePattern);
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods is { Count: > 0 } m ? m : ["GET", "POST"];
            foreach (var method in methods)
            {
                var status = await SendAsync(anonymous, method, path);
                if (status == HttpStatusCode.NotFound)
                {
                    // The client-connection service answers on its own port, over HTTP/2.
                    status = await SendAsync(http2, method, path);
                }

                checkedRoutes.Add($"{method} {path}");
                if (CheckedPerRequest.Contains(path))
                {
                    // Not gRPC, so not served: nothing reaches the adapter.
                    if (status is not HttpStatusCode.UnsupportedMediaType)
                    {
                        admitted.Add($"{method} {path} ({endpoint.DisplayName}) -> {(int)status}, expected 415 for a request that is not gRPC");
                    }

                    continue;
                }

                var isPublic = Public.Contains(path) || Public.Contains($"{method} {path}");
                if (isPublic ? status is HttpStatusCode.Unauthorized : status is not HttpStatusCode.Unauthorized)
                {
                    admitted.Add($"{method} {path} ({endpoint.DisplayName}) -> {(int)status}");
                }
            }
        }

        // Every protocol is in the list: native, Nacos, Eureka, docs, the client connection.
        Assert.Contains(checkedRoutes, r => r.Contains("/v1/namespaces/", StringComparison.Ordinal));
        Assert.Contains(checkedRoutes, r => r.Contains("/nacos/v1/ns/instance", StringComparison.Ordinal));
        Assert.Contains(checkedRoutes, r => r.Contains("/nacos/v1/cs/configs", StringComparison.Ordinal));
        Assert.Contains(checkedRoutes, r => r.Contains("/eureka/apps", StringComparison.Ordinal));
        Assert.Contains(checkedRoutes, r => r.Contains("/openapi/", StringComparison.Ordinal));
        Assert.Contains(checkedRoutes, r => r.Contains("/meridian.v1.Connection/", StringComparison.Ordinal));
        Assert.True(admitted.Count == 0, "Answered an anonymous caller other than with 401 (or 401 on a public endpoint):\n" + string.Join("\n", admitted));
        Assert.True(checkedRoutes.Count > 60, $"only {checkedRoutes.Count} routes were found");
    }

    [Fact]
    public async Task A_client_connection_without_credentials_is_refused_when_it_opens()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        await using var raw = await RawConnection.OpenAsync(server.GrpcAddress, "anonymous", Ct, sayHello: false, credential: null);
        var ended = await raw.Ended.Task.WaitAsync(TimeSpan.FromSeconds(15), Ct);
        Assert.Equal(StatusCode.Unauthenticated, ended.StatusCode);
    }

    [Fact]
    public async Task Identity_never_comes_from_a_header_such_as_User_Agent_Nacos_Server()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        using var client = new HttpClient { BaseAddress = server.BaseAddress };
        client.DefaultRequestHeaders.UserAgent.ParseAdd("Nacos-Server");
        client.DefaultRequestHeaders.Add("X-Forwarded-User", "admin");

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/nacos/v1/ns/instance/list?serviceName=a", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/nacos/v1/cs/configs?dataId=a&group=DEFAULT_GROUP", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/v1/namespaces", Ct)).StatusCode);
    }

    [Theory]
    [InlineData("//v1/namespaces")]
    [InlineData("/v1//namespaces")]
    [InlineData("/V1/NAMESPACES")]
    [InlineData("/v1/namespaces/")]
    [InlineData("/v1/%2e/namespaces")]
    [InlineData("/health/../v1/namespaces")]
    [InlineData("/health/ready/%2e%2e/%2e%2e/v1/namespaces")]
    [InlineData("/nacos//v1/ns/instance/list?serviceName=a")]
    [InlineData("/NACOS/V1/NS/INSTANCE/LIST?serviceName=a")]
    [InlineData("/eureka/apps/")]
    [InlineData("/health/live;/../../v1/namespaces")]
    [InlineData("//ns/../v1/namespaces")]
    [InlineData("/ns/%2e%2e/v1/namespaces")]
    public async Task Path_tricks_never_reach_an_endpoint_anonymously(string path)
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);

        // Written by hand on a socket: HttpClient would tidy the path before sending it.
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(server.BaseAddress.Host, server.BaseAddress.Port, Ct);
        var stream = tcp.GetStream();
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"), Ct);
        using var reader = new StreamReader(stream, System.Text.Encoding.ASCII);
        var statusLine = await reader.ReadLineAsync(Ct) ?? "";
        var status = int.Parse(statusLine.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(status is 401 or 404 or 400, $"{path} answered '{statusLine}' to an anonymous caller");
    }

    private static async Task<HttpStatusCode> SendAsync(HttpClient client, string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method is "POST" or "PUT" or "PATCH")
        {
            request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
        }

        using var response = await client.SendAsync(request, Ct);
        return response.StatusCode;
    }

    /// <summary>A path the route matches: each parameter gets a plain value of its kind.</summary>
    private static string Concrete(RoutePattern pattern)
    {
        var parts = pattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternSeparatorPart separator => separator.Content,
            RoutePatternParameterPart parameter => parameter.ParameterPolicies.Any(p => p.Content is "long" or "int") ? "1" : "x",
            _ => "x",
        })));
        return "/" + string.Join("/", parts);
    }
}
