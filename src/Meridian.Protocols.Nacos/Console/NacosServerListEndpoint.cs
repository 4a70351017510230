using Meridian.Protocols.Nacos.Http;

namespace Meridian.Protocols.Nacos.Console;

/// <summary>
/// <c>GET /nacos/serverlist</c>, which clients in address-server ("endpoint") mode poll for the servers to use. A
/// single Meridian answers with the address the client reached it at, so endpoint mode works against it directly.
/// </summary>
internal static class NacosServerListEndpoint
{
    public static void MapNacosServerList(this RouteGroupBuilder nacos) =>
        nacos.MapGet("/serverlist", (HttpRequest request) => NacosResults.Text(request.Host.HasValue ? request.Host.Value + "\r\n" : ""));
}
