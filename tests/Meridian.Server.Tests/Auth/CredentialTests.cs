using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text;
using Meridian.Contracts.V1;
using Meridian.Server.Hosting;
using Meridian.Server.Tests.Infrastructure;
using Meridian.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Meridian.Server.Tests.Auth;

public sealed class CredentialTests
{
    private const string NacosDefaultKey = "SecretKey012345678901234567890123456789012345678901234567890123456789";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_token_from_the_login_endpoint_opens_the_api_and_a_wrong_password_gets_401()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        using var anonymous = new HttpClient { BaseAddress = server.BaseAddress };

        var wrong = await anonymous.PostAsJsonAsync("/v1/auth/token", new { username = "admin", password = "not-the-password" }, Ct);
        var problem = await wrong.ProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("username or password is wrong", problem.Detail, StringComparison.Ordinal);

        var token = await TestAuth.LoginAsync(anonymous, server.BaseAddress, Ct);
        using var client = TestAuth.ClientWith(server.BaseAddress, token);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/namespaces", Ct)).StatusCode);
        var me = await (await client.GetAsync("/v1/auth/me", Ct)).Content.ReadFromJsonAsync<Me>(Ct);
        Assert.Equal(("admin", true), (me!.Name, me.Admin));
    }

    [Fact]
    public async Task A_jwt_signed_with_the_old_nacos_default_key_is_refused_everywhere()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        var forged = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity([new Claim("sub", "admin")]),
            Issuer = "meridian",
            Audience = "meridian",
            Expires = DateTime.UtcNow.AddHours(1),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(NacosDefaultKey)), SecurityAlgorithms.HmacSha256),
        });
        using var client = TestAuth.ClientWith(server.BaseAddress, forged);

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/v1/namespaces", Ct)).StatusCode);
        using var anonymous = new HttpClient { BaseAddress = server.BaseAddress };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/nacos/v1/ns/instance/list?serviceName=a&accessToken={forged}", Ct)).StatusCode);
    }

    [Fact]
    public async Task The_nacos_default_key_is_refused_as_a_configured_signing_key()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => TestServer.StartAsync(
            settings: new Dictionary<string, string?> { ["Meridian:Auth:TokenSigningKey"] = NacosDefaultKey }, cancellationToken: Ct));
        Assert.Contains("Nacos's published default key", error.Message, StringComparison.Ordinal);

        var shortKey = await Assert.ThrowsAsync<OptionsValidationException>(() => TestServer.StartAsync(
            settings: new Dictionary<string, string?> { ["Meridian:Auth:TokenSigningKey"] = Convert.ToBase64String(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }) }, cancellationToken: Ct));
        Assert.Contains("at least 32 random bytes", shortKey.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_from_another_install_is_refused()
    {
        var ownKeys = new Dictionary<string, string?> { ["Meridian:Auth:TokenSigningKey"] = "" };
        await using var one = await TestServer.StartAsync(settings: ownKeys, cancellationToken: Ct);
        await using var other = await TestServer.StartAsync(settings: ownKeys, cancellationToken: Ct);

        using var client = TestAuth.ClientWith(other.BaseAddress, one.Token);
        var answer = await client.GetAsync("/v1/namespaces", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await other.Client.GetAsync("/v1/namespaces", Ct)).StatusCode);
    }

    [Fact]
    public async Task A_token_stops_working_when_it_expires()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await TestServer.StartAsync(time, cancellationToken: Ct);
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/v1/namespaces", Ct)).StatusCode);

        time.Advance(TimeSpan.FromHours(5) + TimeSpan.FromSeconds(1));

        Assert.Equal(HttpStatusCode.Unauthorized, (await server.Client.GetAsync("/v1/namespaces", Ct)).StatusCode);
    }

    [Fact]
    public async Task A_revoked_access_key_is_refused_at_once_and_the_list_shows_when_it_was_used()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        var key = await TestAuth.CreateKeyAsync(server.Client, Ct, "orders");
        using var client = TestAuth.ClientWith(server.BaseAddress, key);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/namespaces/public/services", Ct)).StatusCode);

        var keys = await (await server.Client.GetAsync("/v1/auth/keys", Ct)).Content.ReadFromJsonAsync<List<KeyDto>>(Ct);
        var listed = Assert.Single(keys!);
        Assert.Null(listed.Key);
        Assert.NotNull(listed.LastUsedAt);

        var revoke = await server.Client.DeleteAsync($"/v1/auth/keys/{listed.Id}", Ct);
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        var refused = await client.GetAsync("/v1/namespaces", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("revoked", (await refused.ProblemAsync(HttpStatusCode.Unauthorized)).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revoking_a_key_ends_the_open_client_connections_that_hold_it()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        var key = await TestAuth.CreateKeyAsync(server.Client, Ct, "streaming");
        await using var connection = await RawConnection.OpenAsync(server.GrpcAddress, "streaming-app", Ct, sayHello: true, credential: key);
        var subscribed = await connection.RequestAsync(new ClientMessage { SubscribeService = new SubscribeService { Service = new ServiceRef { Namespace = "public", Group = "DEFAULT_GROUP", Service = "orders" } } }, Ct);
        Assert.True(subscribed.Ok, subscribed.ErrorMessage);

        var keys = await (await server.Client.GetAsync("/v1/auth/keys", Ct)).Content.ReadFromJsonAsync<List<KeyDto>>(Ct);
        var revoke = await server.Client.DeleteAsync($"/v1/auth/keys/{Assert.Single(keys!).Id}", Ct);
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);

        // The next message on the stream (a client pings every few seconds) meets the revocation.
        await connection.SendAsync(new ClientMessage { Ping = new Ping { SentAtMs = 1 } });
        var ended = await connection.Ended.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.Equal(Grpc.Core.StatusCode.Unauthenticated, ended.StatusCode);
        Assert.Contains("'streaming' is no longer valid", ended.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Repeated_wrong_passwords_are_answered_429_with_retry_after()
    {
        await using var server = await TestServer.StartAsync(
            settings: new Dictionary<string, string?> { ["Meridian:Auth:LoginAttemptsPerMinute"] = "4" }, cancellationToken: Ct);
        using var anonymous = new HttpClient { BaseAddress = server.BaseAddress };

        // The harness's own login was the first of the four attempts allowed from this address.
        for (var i = 0; i < 3; i++)
        {
            var wrong = await anonymous.PostAsJsonAsync("/v1/auth/token", new { username = "admin", password = $"wrong-{i}-password" }, Ct);
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        var limited = await anonymous.PostAsJsonAsync("/v1/auth/token", new { username = "admin", password = "wrong-3-password" }, Ct);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero, "429 without Retry-After");
        Assert.Equal("https://tools.ietf.org/html/rfc6585#section-4", (await limited.ProblemAsync(HttpStatusCode.TooManyRequests)).Type);
        var nacos = await anonymous.GetAsync($"/nacos/v1/ns/instance/list?serviceName=a&username=admin&password=wrong-again-pass", Ct);
        Assert.Equal(HttpStatusCode.TooManyRequests, nacos.StatusCode);
    }

    [Fact]
    public async Task Without_a_given_password_the_first_start_generates_one_into_a_file_only_its_owner_reads()
    {
        var data = TestServer.NewDataDirectory();
        try
        {
            var app = MeridianServer.Build(["--urls", "http://127.0.0.1:0", "--Meridian:Grpc:Port=0", $"--Meridian:Storage:Sqlite:DataDirectory={data}",
                "--Logging:LogLevel:Default=Warning"]);
            await app.StartAsync(Ct);
            try
            {
                var file = Path.Combine(data, "initial-admin-password");
                if (!OperatingSystem.IsWindows())
                {
                    Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
                }

                var password = (await File.ReadAllTextAsync(file, Ct)).Trim();
                Assert.True(password.Length >= 20, "the generated password is short");
                var grpc = app.Services.GetRequiredService<Meridian.Protocols.Native.GrpcEndpoint>().EndPoint!.Port;
                var address = new Uri(app.Urls.Select(u => new Uri(u)).First(u => u.Port != grpc), "/");
                using var http = new HttpClient();
                Assert.False(string.IsNullOrEmpty(await TestAuth.LoginAsync(http, address, Ct, password: password)));
            }
            finally
            {
                await app.StopAsync(Ct);
                await app.DisposeAsync();
            }
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task Dev_mode_admits_anonymous_callers_on_loopback_only()
    {
        await using var server = await TestServer.StartAsync(settings: new Dictionary<string, string?> { ["Meridian:Auth:Mode"] = "Dev" }, cancellationToken: Ct);
        using var anonymous = new HttpClient { BaseAddress = server.BaseAddress };
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/v1/namespaces", Ct)).StatusCode);

        var data = TestServer.NewDataDirectory();
        var exposed = MeridianServer.Build(["--urls", "http://0.0.0.0:0", "--Meridian:Grpc:Port=0", $"--Meridian:Storage:Sqlite:DataDirectory={data}",
            "--Logging:LogLevel:Default=Warning", TestAuth.AdminPasswordArgument, "--Meridian:Auth:Mode=Dev"]);
        var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = exposed.Lifetime.ApplicationStopping.Register(() => stopping.TrySetResult());
        await exposed.StartAsync(Ct);
        try
        {
            // Refused: the server stops itself as soon as it sees it serves a non-loopback address.
            await stopping.Task.WaitAsync(TimeSpan.FromSeconds(15), Ct);
        }
        finally
        {
            await exposed.StopAsync(Ct);
            await exposed.DisposeAsync();
            Environment.ExitCode = 0;
            Directory.Delete(data, recursive: true);
        }
    }

    private sealed record Me(string Name, string Kind, bool Admin);

    private sealed record KeyDto(string Id, string Name, string? Key, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt);
}
