using Meridian.Protocols.Eureka.Registry;
using Meridian.Validation;

namespace Meridian.Protocols.Eureka.Http;

/// <summary>Errors as Eureka answers them: a status code and a plain-text reason, no problem JSON.</summary>
internal sealed class EurekaErrorFilter : IEndpointFilter
{
    public static readonly EurekaErrorFilter Instance = new();

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (EurekaException e)
        {
            return Text(e.Message, e.Status);
        }
        catch (MeridianException e)
        {
            var status = e switch
            {
                InvalidInputException => StatusCodes.Status400BadRequest,
                NotFoundException => StatusCodes.Status404NotFound,
                StorageUnavailableException { OutOfSpace: true } => StatusCodes.Status507InsufficientStorage,
                StorageUnavailableException => StatusCodes.Status503ServiceUnavailable,
                UnauthenticatedException => StatusCodes.Status401Unauthorized,
                AccessDeniedException => StatusCodes.Status403Forbidden,
                TooManyRequestsException or LimitExceededException => StatusCodes.Status429TooManyRequests,
                _ => StatusCodes.Status409Conflict,
            };
            var message = e is InvalidInputException invalid ? string.Join(" ", invalid.Errors.SelectMany(p => p.Value)) : e.Message;
            return Text(message, status);
        }
    }

    private static IResult Text(string reason, int status) => Results.Text(reason, "text/plain; charset=utf-8", statusCode: status);
}
