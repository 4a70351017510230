using Meridian.Server.Api;
using Meridian.Server.Api.Auth;
using Meridian.Server.Api.Cluster;
using Meridian.Server.Api.Config;
using Meridian.Server.Api.Naming;
using Meridian.Server.Api.Events;
using Meridian.Server.Auth;
using Meridian.Server.Console;
using Meridian.Storage.Sqlite;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Scalar.AspNetCore;

namespace Meridian.Server.Hosting;

/// <summary>Composes the server: storage, registry, endpoints. Tests call it with their own settings and services.</summary>
public static partial class MeridianServer
{
    public const int DefaultHttpPort = 8848;

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // Its own appsettings.json wherever it is started from (a service manager's folder, a container's /): unless told
        // otherwise, the content root is the server's folder. Relative data paths still follow the working directory.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = HasContentRoot(args) ? null : AppContext.BaseDirectory,
        });
        if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]) && !builder.Configuration.GetSection("Kestrel:Endpoints").Exists())
        {
            builder.WebHost.UseUrls($"http://0.0.0.0:{DefaultHttpPort}");
        }

        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 1024 * 1024);
        UseConfiguredConsoleFormat(builder);

        var services = builder.Services;
        services.AddMeridianStorage(builder.Configuration);
        services.AddMeridianRegistry();
        services.AddMeridianConfig();
        services.AddMeridianAuthorization();
        services.AddMeridianNacos();
        services.AddMeridianEureka();
        services.AddProblemDetails(o => o.CustomizeProblemDetails = ProblemExceptionHandler.Explain);
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.AddSingleton<IProblemDetailsWriter, ProblemJsonFallbackWriter>();
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.Configure<JsonOptions>(o => ApiJson.Configure(o.SerializerOptions));
        services.AddOpenApi();
        services.AddHealthChecks();
        services.AddMeridianRateLimiting();
        services.AddMeridianTelemetry(builder.Configuration);
        services.AddMeridianConsole(builder.Configuration);
        builder.AddMeridianConnections(DefaultHttpPort);

        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseMeridianBasePath();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseMeridianRateLimiting();
        app.UseAuthorization();
        app.UseUnreadableCharsetGuard();

        // Public on purpose: load balancers and orchestrators probe these without credentials. Nothing else is.
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") }).AllowAnonymous();
        app.MapOpenApi();
        // The web console at the root (its login page is public; everything it shows comes from the API below).
        app.MapMeridianConsole();
        // Everything the API reference does stays on this server: no hosted client, AI agent, MCP, telemetry or CDN fonts.
        // It needs a login like everything else: its assets come without the anonymous access Scalar gives them.
        app.MapScalarApiReference("/docs", options => options
                .HideClientButton()
                .DisableAgent()
                .DisableMcp()
                .DisableTelemetry()
                .DisableDefaultFonts())
            .Finally(endpoint =>
            {
                foreach (var anonymous in endpoint.Metadata.OfType<Microsoft.AspNetCore.Authorization.IAllowAnonymous>().ToList())
                {
                    endpoint.Metadata.Remove(anonymous);
                }
            });

        var api = app.MapGroup("/v1").RequireAuthorization(MeridianAuthorization.Policy);
        api.MapAuthEndpoints();
        api.MapNamespaceEndpoints();
        api.MapServiceEndpoints();
        api.MapInstanceEndpoints();
        api.MapClusterEndpoints();
        app.MapNacosEndpoints().RequireAuthorization(MeridianAuthorization.Policy);
        app.MapEurekaEndpoints().RequireAuthorization(MeridianAuthorization.Policy);
        api.MapConfigEndpoints();
        api.MapChangeEventEndpoints();
        app.MapMeridianConnections().RequireAuthorization(MeridianAuthorization.Policy);
        // Nacos 2.x/3.x clients send their token in each request's headers, which the adapter checks.
        app.MapNacosGrpc().AllowAnonymous();
        app.MapMeridianTelemetry();

        app.Lifetime.ApplicationStarted.Register(() => LogStarted(app));
        return app;
    }

    /// <summary>
    /// The slim builder fixes the console to its simple format; <c>Logging:Console:FormatterName</c> (<c>json</c>,
    /// <c>systemd</c>, <c>simple</c>) chooses again, as it does in a full ASP.NET Core host.
    /// </summary>
    private static void UseConfiguredConsoleFormat(WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        builder.Services.PostConfigure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(options =>
        {
            if (configuration["Logging:Console:FormatterName"] is { Length: > 0 } name)
            {
                options.FormatterName = name;
            }
        });
    }

    private static bool HasContentRoot(string[] args) =>
        args.Any(a => a.TrimStart('-').StartsWith(WebHostDefaults.ContentRootKey, StringComparison.OrdinalIgnoreCase))
        || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("ASPNETCORE_CONTENTROOT"))
        || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOTNET_CONTENTROOT"));

    private static void LogStarted(WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Meridian.Server");
        MeridianAuthorization.CheckServedAddresses(app, logger);
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var endpoint = app.Services.GetRequiredService<Meridian.Protocols.Native.GrpcEndpoint>();
        var grpc = endpoint.EndPoint;
        if (grpc is not null)
        {
            LogGrpc(logger, grpc.ToString(), endpoint.IsTls ? $"TLS, certificate from {endpoint.CertificateSetting}" : "no TLS");
            addresses = [.. addresses.Where(a => !a.EndsWith($":{grpc.Port}", StringComparison.Ordinal))];
        }

        app.Services.GetRequiredService<Meridian.Cluster.ClusterMembership>().Address = addresses.FirstOrDefault() ?? "";
        LogData(logger, StorageHosting.Describe(app.Services));
        foreach (var address in addresses)
        {
            var browsable = Browsable(address);
            LogListening(logger, address, browsable + "/", browsable + "/docs");
        }
    }

    /// <summary>A wildcard bind address as a browser on this machine reaches it, so the logged link can be clicked.</summary>
    private static string Browsable(string address) =>
        address.TrimEnd('/').Replace("://0.0.0.0:", "://localhost:", StringComparison.Ordinal)
            .Replace("://[::]:", "://localhost:", StringComparison.Ordinal).Replace("://+:", "://localhost:", StringComparison.Ordinal)
            .Replace("://*:", "://localhost:", StringComparison.Ordinal);

    [LoggerMessage(Level = LogLevel.Information, Message = "Meridian data lives in {Store}")]
    private static partial void LogData(ILogger logger, string store);

    [LoggerMessage(Level = LogLevel.Information, Message = "Meridian client connections (gRPC, HTTP/2) on {EndPoint} ({Transport})")]
    private static partial void LogGrpc(ILogger logger, string endPoint, string transport);

    [LoggerMessage(Level = LogLevel.Information, Message = "Meridian HTTP API (native /v1, health, OpenAPI) on {Address}; web console at {Console}, API reference at {Docs}")]
    private static partial void LogListening(ILogger logger, string address, string console, string docs);
}
