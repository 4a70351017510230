using Microsoft.AspNetCore.Authorization;

namespace Meridian.Server.Auth;

/// <summary>
/// The one authorization seam every endpoint passes through. With authentication off it admits everyone; turning
/// auth on changes this policy, not the endpoints.
/// </summary>
internal static class MeridianAuthorization
{
    public const string Policy = "Meridian.Api";

    public static IServiceCollection AddMeridianAuthorization(this IServiceCollection services) =>
        services.AddAuthorization(options => options.AddPolicy(Policy, policy => policy.RequireAssertion(_ => true)));
}
