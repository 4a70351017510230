using Meridian.Protocols.Nacos.Http;

namespace Meridian.Protocols.Nacos.Console;

/// <summary>
/// <c>GET /nacos/serverlist</c>, which clients in address-server ("endpoint") mode poll for the servers to use. A
/// single Meridian answers with the address the client reached it at, so endpoint mode works against it directly. Like
/// Nacos's address server, it leaves out the port when it is the default one (8848): clients add it themselves, and
/// some take a line with a port for a host name.
/// </summary>
internal static class NacosServerListEndpoint
{
    private const int DefaultPort = 8848;

    public static void MapNacosServerList(this RouteGroupBuilder nacos) =>
        nacos.MapGet("/serverlist", (HttpRequest request) => NacosResults.Text(Line(request.Host)));

    private static string Line(HostString host) =>
        !host.HasValue ? "" : (host.Port is null or DefaultPort ? host.Host : host.Value) + "\r\n";
}
