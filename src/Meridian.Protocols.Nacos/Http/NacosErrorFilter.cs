using Meridian.Validation;

namespace Meridian.Protocols.Nacos.Http;

/// <summary>
/// Turns errors into the plain-text answers Nacos clients expect instead of problem JSON. Naming writes the message
/// as it is; configuration wraps it as <c>caused: message;</c> like Nacos' config exception handler.
/// </summary>
internal sealed class NacosErrorFilter(bool configStyle) : IEndpointFilter
{
    public static readonly NacosErrorFilter Naming = new(false);
    public static readonly NacosErrorFilter Config = new(true);

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (NacosException e)
        {
            return NacosResults.Text(e.Message, e.Status);
        }
        catch (MeridianException e)
        {
            var status = e switch
            {
                NotFoundException => StatusCodes.Status404NotFound,
                StorageUnavailableException { OutOfSpace: true } => StatusCodes.Status507InsufficientStorage,
                StorageUnavailableException => StatusCodes.Status503ServiceUnavailable,
                UnauthenticatedException => StatusCodes.Status401Unauthorized,
                AccessDeniedException => StatusCodes.Status403Forbidden,
                TooManyRequestsException or LimitExceededException => StatusCodes.Status429TooManyRequests,

                // Nacos reports a clash (service exists, instances remain) as a bad request; 409 would make clients retry.
                _ => StatusCodes.Status400BadRequest,
            };
            var message = e is InvalidInputException invalid ? string.Join(" ", invalid.Errors.SelectMany(p => p.Value)) : e.Message;
            return NacosResults.Text(configStyle ? $"caused: {message};" : message, status);
        }
    }
}
