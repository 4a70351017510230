using System.Net;
using Meridian.Naming;
using Meridian.Protocols.Native;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the persistent client connection: a gRPC bidirectional stream on its own HTTP/2-only port.</summary>
public static class NativeProtocolHosting
{
    private const string EndpointPrefix = "Kestrel:Endpoints:MeridianHttp";

    /// <param name="defaultHttpPort">The HTTP port the host listens on when no URL is configured; the client-connection port is set apart from it.</param>
    public static WebApplicationBuilder AddMeridianConnections(this WebApplicationBuilder builder, int defaultHttpPort)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<GrpcOptions>().BindConfiguration(GrpcOptions.SectionName).ValidateOnStart();
        services.AddOptions<ConnectionOptions>().BindConfiguration(ConnectionOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GrpcOptions>, ConnectionOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ConnectionOptions>, ConnectionOptionsValidator>());
        services.AddGrpc(o => o.EnableDetailedErrors = false);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Grpc.AspNetCore.Server.Model.IServiceMethodProvider<ConnectionService>, ConnectionMethodProvider>());
        services.TryAddSingleton<ConnectionService>();
        services.TryAddSingleton<AddressConnections>();
        services.TryAddSingleton<ConnectionGauges>();
        services.TryAddSingleton<PushHub>();
        services.AddHostedService(sp => sp.GetRequiredService<PushHub>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IServiceSubscriberSource, PushHub>(sp => sp.GetRequiredService<PushHub>()));

        var endpoint = new GrpcEndpoint();
        services.AddSingleton(endpoint);

        var (firstHost, firstPort) = MoveUrlsToEndpoints(builder.Configuration, defaultHttpPort);
        FollowHttpPort(builder.Configuration, firstPort);
        var grpc = builder.Configuration.GetSection(GrpcOptions.SectionName).Get<GrpcOptions>() ?? new GrpcOptions();
        var connections = builder.Configuration.GetSection(ConnectionOptions.SectionName).Get<ConnectionOptions>() ?? new ConnectionOptions();
        var configuration = builder.Configuration;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // HTTP/2 pings keep proxies and NATs from dropping a quiet stream and find dead peers below the app level.
            // Kestrel accepts no less than a second; app-level pings cover shorter intervals.
            var keepAlive = connections.PingInterval < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : connections.PingInterval;
            kestrel.Limits.Http2.KeepAlivePingDelay = keepAlive;
            kestrel.Limits.Http2.KeepAlivePingTimeout = keepAlive * 2;
            var address = BindAddress(string.IsNullOrEmpty(grpc.Host) ? firstHost : grpc.Host);
            if (grpc.Port is < 0 or > 65535)
            {
                // Options validation reports it with what to fix; binding would only throw a less helpful error first.
                return;
            }

            var certificate = ConnectionCertificate.Load(grpc, configuration);
            kestrel.Listen(address, grpc.Port, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                if (certificate is { } tls)
                {
                    // HTTP/2 over TLS, negotiated by ALPN: what gRPC clients speak to an https:// address.
                    listen.UseHttps(tls.Certificate);
                }

                endpoint.Bind(listen, certificate?.Setting);
            });
        });
        return builder;
    }

    /// <summary>Maps the connection's gRPC service; the host puts its authorization policy on what this returns.</summary>
    public static GrpcServiceEndpointConventionBuilder MapMeridianConnections(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        // The connection gauges observe from now on.
        endpoints.ServiceProvider.GetRequiredService<ConnectionGauges>();
        return endpoints.MapGrpcService<ConnectionService>();
    }

    /// <summary>
    /// Unless <c>Meridian:Grpc:Port</c> is set, the client port is the HTTP port + 1000, as Nacos has it (8848 and 9848),
    /// so a second server on the same machine needs one setting, <c>--urls</c>, not two.
    /// </summary>
    private static void FollowHttpPort(ConfigurationManager configuration, int? httpPort)
    {
        if (configuration[$"{GrpcOptions.SectionName}:Port"] is null && httpPort is > 0 and <= 65535 - 1000)
        {
            configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                [$"{GrpcOptions.SectionName}:Port"] = (httpPort.Value + 1000).ToString(System.Globalization.CultureInfo.InvariantCulture),
            });
        }
    }

    /// <summary>
    /// A listener configured in code makes Kestrel ignore <c>urls</c>, so the HTTP URLs become configured endpoints:
    /// both then bind. Returns the host and port of the first URL, which the gRPC listener follows by default.
    /// </summary>
    private static (string Host, int? Port) MoveUrlsToEndpoints(ConfigurationManager configuration, int defaultHttpPort)
    {
        var urls = configuration[WebHostDefaults.ServerUrlsKey];
        var list = string.IsNullOrWhiteSpace(urls)
            ? [$"http://0.0.0.0:{defaultHttpPort}"]
            : urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var first = (HostOf(list[0]), PortOf(list[0]));
        if (configuration.GetSection("Kestrel:Endpoints").Exists())
        {
            return (first.Item1, null);
        }

        var settings = new Dictionary<string, string?> { [WebHostDefaults.ServerUrlsKey] = "" };
        for (var i = 0; i < list.Length; i++)
        {
            settings[$"{EndpointPrefix}{i}:Url"] = list[i];
        }

        configuration.AddInMemoryCollection(settings);
        return first;
    }

    private static int? PortOf(string url)
    {
        var host = HostOf(url);
        var start = url.IndexOf("://", StringComparison.Ordinal);
        var rest = (start < 0 ? url : url[(start + 3)..])[host.Length..];
        if (!rest.StartsWith(':'))
        {
            return null;
        }

        var digits = rest[1..].Split('/')[0];
        return int.TryParse(digits, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) ? port : null;
    }

    private static string HostOf(string url)
    {
        var start = url.IndexOf("://", StringComparison.Ordinal);
        var rest = start < 0 ? url : url[(start + 3)..];
        if (rest.StartsWith('['))
        {
            return rest[..(rest.IndexOf(']', StringComparison.Ordinal) + 1)];
        }

        var colon = rest.IndexOfAny([':', '/']);
        return colon < 0 ? rest : rest[..colon];
    }

    private static IPAddress BindAddress(string host) => host switch
    {
        "*" or "+" or "0.0.0.0" => IPAddress.Any,
        "[::]" or "::" => IPAddress.IPv6Any,
        "localhost" => IPAddress.Loopback,
        _ when IPAddress.TryParse(host.Trim('[', ']'), out var ip) => ip,
        _ => IPAddress.Any,
    };
}
