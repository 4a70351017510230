using System.Globalization;
using Meridian.Limits;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Meridian.Server.Hosting;

/// <summary>Limits each caller's HTTP request rate (<c>Meridian:Limits:RequestsPerSecondPerCaller</c>); 429 with a problem past it.</summary>
internal static partial class RateLimitingHosting
{
    public static IServiceCollection AddMeridianRateLimiting(this IServiceCollection services)
    {
        services.AddSingleton<CallerRateLimiter>();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IServiceProvider>((options, provider) =>
        {
            options.GlobalLimiter = provider.GetRequiredService<CallerRateLimiter>();
            options.OnRejected = RejectAsync;
        });
        return services;
    }

    /// <summary>Adds the middleware after authentication, so a caller is known by name; a rate of 0 adds nothing.</summary>
    public static IApplicationBuilder UseMeridianRateLimiting(this WebApplication app)
    {
        return app.Services.GetRequiredService<IOptions<LimitOptions>>().Value.RequestsPerSecondPerCaller > 0 ? app.UseRateLimiter() : app;
    }

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var http = rejected.HttpContext;
        var limits = http.RequestServices.GetRequiredService<IOptions<LimitOptions>>().Value;
        var caller = CallerRateLimiter.Describe(http);
        LogRejected(http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Meridian.Limits"), caller, limits.RequestsPerSecondPerCaller);
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = "1";
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests.",
                Detail = string.Create(CultureInfo.InvariantCulture,
                    $"{caller} sent more than {limits.RequestsPerSecondPerCaller} requests per second (bursts of {limits.RequestBurstPerCaller}); slow down and retry after 1 s, or raise {LimitOptions.Setting(nameof(LimitOptions.RequestsPerSecondPerCaller))}."),
            },
        });
    }

    // Once per refused request would flood the log under the very flood it refuses; the middleware's own debug line covers detail.
    [LoggerMessage(Level = LogLevel.Debug, Message = "Request from {Caller} refused: over {Rate} requests per second")]
    private static partial void LogRejected(ILogger logger, string caller, int rate);
}
