using System.Text;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;

namespace Meridian.Server.Api;

/// <summary>
/// Answers 415 for a JSON body whose <c>Content-Type</c> names a charset no decoder exists for
/// (<c>application/json; charset=ibm-bogus</c>). The JSON binder would throw on it before any endpoint runs, and the
/// answer would be a 500 that is the client's doing.
/// </summary>
internal static class UnreadableCharsetGuard
{
    public static IApplicationBuilder UseUnreadableCharsetGuard(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (http.Request.ContentType is { } contentType
            && MediaTypeHeaderValue.TryParse(contentType, out var media)
            && media.MediaType.HasValue
            && (media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || media.MediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase))
            && media.Charset is { HasValue: true } charset
            && !Known(charset.Value!))
        {
            http.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = http,
                ProblemDetails = new ProblemDetails
                {
                    Status = StatusCodes.Status415UnsupportedMediaType,
                    Title = "The request body's charset is not one the server reads.",
                    Detail = $"Content-Type names charset '{charset.Value}', which the server has no decoder for; send the JSON as UTF-8 ('Content-Type: application/json; charset=utf-8', unquoted, or no charset).",
                },
            });
            return;
        }

        await next(http);
    });

    private static bool Known(string charset)
    {
        try
        {
            _ = Encoding.GetEncoding(charset);
            return true;
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            // NotSupportedException: UTF-7, which .NET knows by name and refuses to decode.
            return false;
        }
    }
}
