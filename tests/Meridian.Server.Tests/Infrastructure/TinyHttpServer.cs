using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Meridian.Server.Tests.Infrastructure;

/// <summary>A real Kestrel endpoint that answers one path with a status the test controls: a health-check target.</summary>
public sealed class TinyHttpServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TinyHttpServer(WebApplication app, ConcurrentQueue<string> paths)
    {
        _app = app;
        Paths = paths;
        Port = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
    }

    public int Port { get; }
    public ConcurrentQueue<string> Paths { get; }

    public static async Task<TinyHttpServer> StartAsync(string path, Func<HttpStatusCode> status, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var paths = new ConcurrentQueue<string>();
        app.MapGet(path, (HttpContext context) =>
        {
            paths.Enqueue(context.Request.Path);
            return Results.StatusCode((int)status());
        });
        await app.StartAsync(cancellationToken);
        return new TinyHttpServer(app, paths);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
