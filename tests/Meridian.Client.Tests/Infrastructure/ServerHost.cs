using Meridian.Testing;
using Meridian.Server.Hosting;
using Meridian.Protocols.Native;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Meridian.Client.Tests.Infrastructure;

/// <summary>A real Meridian server on loopback. Ports 0 pick free ones; a restart can ask for the same ports again.</summary>
public sealed class ServerHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private bool _stopped;

    private ServerHost(WebApplication app, string dataDirectory, TestCertificates? tls)
    {
        _app = app;
        DataDirectory = dataDirectory;
        var grpc = app.Services.GetRequiredService<GrpcEndpoint>().EndPoint!;
        GrpcPort = grpc.Port;
        var http = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .Select(a => new Uri(a)).First(u => u.Port != grpc.Port);
        HttpPort = http.Port;
        Http = TestAuth.ClientWith(http, TestTokens.AdminToken, tls?.TrustingHandler());
    }

    public string DataDirectory { get; }
    public int HttpPort { get; }
    public int GrpcPort { get; }

    /// <summary>What a client puts in Meridian:ServerAddresses.</summary>
    public string ClientAddress => $"127.0.0.1:{GrpcPort}";

    /// <summary>The client-connection address of a server started with TLS.</summary>
    public string TlsClientAddress => $"https://127.0.0.1:{GrpcPort}";

    public HttpClient Http { get; }
    public IServiceProvider Services => _app.Services;

    public static async Task<ServerHost> StartAsync(
        string? dataDirectory = null, int httpPort = 0, int grpcPort = 0, IDictionary<string, string?>? settings = null, TestCertificates? tls = null)
    {
        dataDirectory ??= TempDirectory.Create("meridian-server-");
        var args = new List<string>
        {
            "--urls", $"http://127.0.0.1:{httpPort}", $"--Meridian:Grpc:Port={grpcPort}",
            $"--Meridian:Storage:Sqlite:DataDirectory={dataDirectory}", "--Logging:LogLevel:Default=Warning",
            TestAuth.AdminPasswordArgument, TestAuth.SigningKeyArgument,
        };
        foreach (var (key, value) in (tls?.ServerSettings(httpPort) ?? new Dictionary<string, string?>()).Concat(settings ?? new Dictionary<string, string?>()))
        {
            args.Add($"--{key}={value}");
        }

        var app = MeridianServer.Build([.. args]);
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new ServerHost(app, dataDirectory, tls);
    }

    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        Http.Dispose();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }

    public ValueTask DisposeAsync() => new(StopAsync());
}
