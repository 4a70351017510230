using System.Text.Json;
using Meridian.Validation;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Meridian.Server.Api;

/// <summary>
/// Maps every error to an RFC 9457 problem in one place: rule violations to 400 with the field and what to fix,
/// unknown things to 404, conflicts to 409, a store that cannot write to 503, unreadable requests to their 4xx with the parser's own words.
/// </summary>
internal sealed class ProblemExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ProblemDetails? problem = exception switch
        {
            InvalidInputException e => new HttpValidationProblemDetails(e.Errors.ToDictionary(p => p.Key, p => p.Value))
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "The request breaks a rule.",
                Detail = e.Message,
            },
            NotFoundException e => new ProblemDetails { Status = StatusCodes.Status404NotFound, Title = "Not found.", Detail = e.Message },
            ConflictException e => new ProblemDetails { Status = StatusCodes.Status409Conflict, Title = "Conflict.", Detail = e.Message },
            UnauthenticatedException e => new ProblemDetails { Status = StatusCodes.Status401Unauthorized, Title = "Authentication required.", Detail = e.Message },
            AccessDeniedException e => new ProblemDetails { Status = StatusCodes.Status403Forbidden, Title = "Forbidden.", Detail = e.Message },
            TooManyRequestsException e => TooMany(httpContext, e),
            LimitExceededException e => new ProblemDetails { Status = StatusCodes.Status429TooManyRequests, Title = "A limit is reached.", Detail = e.Message },
            StorageUnavailableException { OutOfSpace: true } e => new ProblemDetails { Status = StatusCodes.Status507InsufficientStorage, Title = "The store is out of space.", Detail = e.Message },
            StorageUnavailableException e => new ProblemDetails { Status = StatusCodes.Status503ServiceUnavailable, Title = "The store cannot take writes now.", Detail = e.Message },
            BadHttpRequestException e => Unreadable(e),
            _ => null,
        };

        if (problem is null)
        {
            return false;
        }

        httpContext.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }

    /// <summary>Gives a reason to the bare status codes that Kestrel and routing answer by themselves.</summary>
    public static void Explain(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        problem.Detail ??= problem.Status switch
        {
            StatusCodes.Status413PayloadTooLarge =>
                $"The request body is larger than this endpoint accepts ({context.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize} bytes); send less metadata or content.",
            StatusCodes.Status404NotFound => $"No endpoint answers {context.HttpContext.Request.Method} {context.HttpContext.Request.Path}; see /openapi/v1.json for the API.",
            StatusCodes.Status405MethodNotAllowed => $"{context.HttpContext.Request.Method} is not allowed on {context.HttpContext.Request.Path}; see /openapi/v1.json for the API.",
            StatusCodes.Status415UnsupportedMediaType => "Send the body as JSON with 'Content-Type: application/json'.",
            _ => null,
        };
        // ASP.NET Core fills 'type' for the common statuses but not for these.
        problem.Type ??= problem.Status switch
        {
            StatusCodes.Status413PayloadTooLarge => "https://tools.ietf.org/html/rfc9110#section-15.5.14",
            StatusCodes.Status429TooManyRequests => "https://tools.ietf.org/html/rfc6585#section-4",
            StatusCodes.Status507InsufficientStorage => "https://tools.ietf.org/html/rfc4918#section-11.5",
            _ => null,
        };
    }

    private static ProblemDetails TooMany(HttpContext http, TooManyRequestsException e)
    {
        http.Response.Headers.RetryAfter = ((int)Math.Ceiling(e.RetryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new ProblemDetails { Status = StatusCodes.Status429TooManyRequests, Title = "Too many requests.", Detail = e.Message };
    }

    private static ProblemDetails Unreadable(BadHttpRequestException e)
    {
        if (e.InnerException is JsonException json)
        {
            var field = json.Path is { Length: > 2 } path ? path.TrimStart('$', '.') : "body";
            return new HttpValidationProblemDetails(new Dictionary<string, string[]>
            {
                [field] = [$"The JSON could not be read: {json.Message}"],
            })
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "The request body is not valid JSON for this endpoint.",
                Detail = json.Message,
            };
        }

        return new ProblemDetails
        {
            Status = e.StatusCode,
            Title = e.StatusCode == StatusCodes.Status413PayloadTooLarge ? "The request body is too large." : "The request could not be read.",
            Detail = e.Message,
        };
    }
}
