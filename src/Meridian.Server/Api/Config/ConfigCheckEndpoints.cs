using Meridian.Config.Formats;
using Meridian.Validation;
using Microsoft.Extensions.Options;

namespace Meridian.Server.Api.Config;

public sealed record ConfigCheckRequest(string? Type, string? Content);

/// <summary>Where the content fails to parse as its type (1-based line and column); null when it parses.</summary>
public sealed record ConfigCheckResponse(bool Valid, int? Line, int? Column, string? Reason);

/// <summary>Checks content as its type without publishing it: the editor shows the same error a publish would answer.</summary>
internal static class ConfigCheckEndpoints
{
    public static void MapConfigCheckEndpoints(this RouteGroupBuilder api)
    {
        var options = ((IEndpointRouteBuilder)api).ServiceProvider.GetRequiredService<IOptions<Meridian.Config.ConfigOptions>>().Value;
        api.MapPost("/configs/check", (ConfigCheckRequest request) =>
            {
                var errors = new ValidationErrors();
                var type = ConfigHttp.Type(errors, request.Type) ?? Meridian.Config.ConfigType.Text;
                errors.ThrowIfAny();
                var content = request.Content ?? "";
                if (System.Text.Encoding.UTF8.GetByteCount(content) > options.MaxContentBytes)
                {
                    throw InvalidInputException.For("content", $"The content is larger than {options.MaxContentBytes} bytes (Meridian:Config:MaxContentBytes).");
                }

                return ContentCheck.Find(type, content) is { } error
                    ? new ConfigCheckResponse(false, error.Line, error.Column, error.Reason)
                    : new ConfigCheckResponse(true, null, null, null);
            })
            .WithMetadata(new BodySizeLimit(2L * options.MaxContentBytes + 16 * 1024))
            .WithTags("Configs")
            .WithSummary("Parses content as a type (json, yaml, properties, xml, toml; text and html always pass) without storing it: " +
                         "the line, column and reason a publish of it would be refused with.");
    }
}
