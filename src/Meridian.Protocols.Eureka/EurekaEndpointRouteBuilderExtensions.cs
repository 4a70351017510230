using Meridian.Protocols.Eureka.Http;

namespace Microsoft.AspNetCore.Builder;

public static class EurekaEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the Eureka REST API at both <c>/eureka/apps</c> (Spring Cloud's default service URL) and
    /// <c>/eureka/v2/apps</c> (the Netflix WAR and eureka-js-client's default). Returns the group so the host can put
    /// its authorization policy on every Eureka endpoint at once.
    /// </summary>
    public static RouteGroupBuilder MapEurekaEndpoints(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var eureka = endpoints.MapGroup("/eureka").ExcludeFromDescription().AddEndpointFilter(EurekaErrorFilter.Instance);
        eureka.MapEurekaResources();
        eureka.MapGroup("/v2").MapEurekaResources();
        return eureka;
    }
}
