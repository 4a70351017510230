using System.Net;
using Meridian.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Meridian.Server.Auth;

/// <summary>
/// The one authorization seam: every endpoint needs an authenticated caller unless it says otherwise (health and
/// login only), through a fallback policy that also covers endpoints nobody remembered to mark. What a caller may
/// do is decided by the core commands, with the <see cref="Caller"/> this step attaches.
/// </summary>
internal static partial class MeridianAuthorization
{
    public const string Policy = "Meridian.Api";

    public static IServiceCollection AddMeridianAuthorization(this IServiceCollection services)
    {
        services.AddMeridianAuthCore();
        services.AddHostedService<AuthBootstrap>();
        services.AddAuthentication(MeridianAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, MeridianAuthenticationHandler>(MeridianAuthenticationHandler.SchemeName, null);
        services.AddAuthorization(options =>
        {
            var authenticated = new AuthorizationPolicyBuilder(MeridianAuthenticationHandler.SchemeName).RequireAuthenticatedUser().Build();
            options.DefaultPolicy = authenticated;
            options.FallbackPolicy = authenticated;
            options.AddPolicy(Policy, authenticated);
        });
        return services;
    }

    /// <summary>
    /// Dev mode admits anonymous callers, so it is refused as soon as the server serves an address that is not
    /// loopback; and plain HTTP on such an address is worth a warning, since credentials would cross the network in clear.
    /// </summary>
    public static void CheckServedAddresses(WebApplication app, ILogger logger)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var exposed = addresses.Where(a => !IsLoopback(a)).ToList();
        if (exposed.Count == 0)
        {
            return;
        }

        if (app.Services.GetRequiredService<IOptions<AuthOptions>>().Value.Mode == AuthMode.Dev)
        {
            LogDevRefused(logger, string.Join(", ", exposed));
            Environment.ExitCode = 1;
            app.Lifetime.StopApplication();
            return;
        }

        foreach (var plain in exposed.Where(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase)))
        {
            LogPlainHttp(logger, plain);
        }
    }

    private static bool IsLoopback(string address)
    {
        var host = new Uri(address.Replace("://+", "://0.0.0.0", StringComparison.Ordinal).Replace("://*", "://0.0.0.0", StringComparison.Ordinal)).Host.Trim('[', ']');
        return host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "Meridian:Auth:Mode=Dev admits anonymous callers and is allowed on loopback only, but the server listens on {Addresses}; stopping. Bind to 127.0.0.1 or remove Dev mode.")]
    private static partial void LogDevRefused(ILogger logger, string addresses);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Address} is reachable from other machines over plain HTTP: passwords and tokens cross the network in clear. Serve HTTPS (Kestrel:Endpoints) or bind to loopback.")]
    private static partial void LogPlainHttp(ILogger logger, string address);
}
