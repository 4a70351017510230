using System.Net.Http.Json;
using Meridian.Server.Hosting;
using Meridian.Protocols.Native;
using Meridian.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Meridian.Server.Tests.Infrastructure;

/// <summary>
/// A real Meridian server on real Kestrel, bound to a free loopback port, with its own data folder, auth on.
/// <see cref="Client"/> is logged in as the administrator. Pass a <see cref="FakeTimeProvider"/> to drive expiry without waiting.
/// </summary>
public sealed class TestServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly bool _ownsData;

    private TestServer(WebApplication app, string dataDirectory, bool ownsData, string token)
    {
        Token = token;
        _app = app;
        DataDirectory = dataDirectory;
        _ownsData = ownsData;
        // Kestrel lists the HTTP API and the client-connection listener alike; the gRPC endpoint tells them apart.
        var grpc = app.Services.GetRequiredService<GrpcEndpoint>().EndPoint!;
        GrpcAddress = new Uri($"http://{grpc}");
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseAddress = new Uri(addresses.First(a => new Uri(a).Port != grpc.Port));
        Client = TestAuth.ClientWith(BaseAddress, token);
    }

    /// <summary>The administrator's bearer token.</summary>
    public string Token { get; }

    public Uri BaseAddress { get; }

    /// <summary>Where clients open their persistent connection (gRPC, HTTP/2 only).</summary>
    public Uri GrpcAddress { get; }
    public HttpClient Client { get; }
    public string DataDirectory { get; }
    public IServiceProvider Services => _app.Services;

    public T Get<T>() where T : notnull => _app.Services.GetRequiredService<T>();

    public static async Task<TestServer> StartAsync(
        TimeProvider? time = null,
        IDictionary<string, string?>? settings = null,
        string? dataDirectory = null,
        CancellationToken cancellationToken = default)
    {
        var ownsData = dataDirectory is null;
        dataDirectory ??= NewDataDirectory();
        var args = new List<string>
        {
            "--urls", "http://127.0.0.1:0", "--Meridian:Grpc:Port=0", $"--Meridian:Storage:Sqlite:DataDirectory={dataDirectory}",
            "--Logging:LogLevel:Default=Warning", TestAuth.AdminPasswordArgument, TestAuth.SigningKeyArgument,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            args.Add($"--{key}={value}");
        }

        var app = MeridianServer.Build([.. args], builder =>
        {
            if (time is not null)
            {
                builder.Services.AddSingleton(time);
            }
        });
        await app.StartAsync(cancellationToken);
        var grpc = app.Services.GetRequiredService<GrpcEndpoint>().EndPoint!;
        var http = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First(a => new Uri(a).Port != grpc.Port);
        using var login = new HttpClient();
        var token = await TestAuth.LoginAsync(login, new Uri(http), cancellationToken);
        return new TestServer(app, dataDirectory, ownsData, token);
    }

    public static string NewDataDirectory() => Directory.CreateTempSubdirectory("meridian-test-").FullName;

    public async Task<HttpResponseMessage> PostJsonAsync<T>(string path, T body) => await Client.PostAsJsonAsync(path, body);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        if (_ownsData)
        {
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A file still held by the OS is left to the temp cleaner.
            }
        }
    }
}
