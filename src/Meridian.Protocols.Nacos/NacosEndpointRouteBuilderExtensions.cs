using Meridian.Protocols.Nacos.Auth;
using Meridian.Protocols.Nacos.Config;
using Meridian.Protocols.Nacos.Console;
using Meridian.Protocols.Nacos.Grpc;
using Meridian.Protocols.Nacos.Http;
using Meridian.Protocols.Nacos.Naming;

namespace Microsoft.AspNetCore.Builder;

public static class NacosEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the Nacos v1 Open API under <c>/nacos</c>. Returns the group so the host can put its authorization policy
    /// on every Nacos endpoint at once.
    /// </summary>
    public static RouteGroupBuilder MapNacosEndpoints(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var nacos = endpoints.MapGroup("/nacos").ExcludeFromDescription();

        var naming = nacos.MapGroup("/v1/ns").AddEndpointFilter(NacosErrorFilter.Naming);
        naming.MapNacosInstanceEndpoints();
        naming.MapNacosServiceEndpoints();

        var config = nacos.MapGroup("/v1/cs").AddEndpointFilter(NacosErrorFilter.Config);
        config.MapNacosConfigEndpoints();
        config.MapNacosHistoryEndpoints();

        var console = nacos.MapGroup("").AddEndpointFilter(NacosErrorFilter.Naming);
        console.MapNacosNamespaceEndpoints();
        console.MapNacosAuthEndpoints();
        console.MapNacosServerList();
        return nacos;
    }

    /// <summary>
    /// Maps the Nacos 2.x/3.x gRPC services (<c>Request</c>, <c>BiRequestStream</c>), served on the client-connection
    /// port. Each request carries its own credentials (the <c>accessToken</c> header), which the adapter checks, so the
    /// host maps these without an HTTP-level policy.
    /// </summary>
    public static GrpcServiceEndpointConventionBuilder MapNacosGrpc(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return endpoints.MapGrpcService<NacosGrpcService>();
    }
}
