using System.Security.Claims;
using Meridian.Auth;
using Meridian.Config;
using Meridian.Config.Transfer;
using Meridian.Validation;
using Microsoft.Extensions.Options;

namespace Meridian.Server.Api.Config;

/// <summary>Bulk moves of configs: export to and import from a Nacos-layout zip, and clone to another namespace.</summary>
internal static class ConfigTransferEndpoints
{
    public const string ZipType = "application/zip";

    public static void MapConfigTransferEndpoints(this RouteGroupBuilder group, ConfigOptions options)
    {
        group.MapGet("/configs/export", Export)
            .Produces(StatusCodes.Status200OK, contentType: ZipType)
            .WithSummary("Exports the configs the caller may read as a zip in Nacos's layout (one GROUP/dataId file each and .metadata.yml with " +
                         "type, appName, desc and configTags); 'group' and 'dataId' narrow it as a search does ('*' wildcards).");

        group.MapPost("/configs/import", Import)
            .WithMetadata(new BodySizeLimit(options.MaxArchiveBytes))
            .Accepts<byte[]>(ZipType, "application/octet-stream")
            .Produces<ConfigTransferResponse>()
            .WithSummary("Imports a zip in the export's layout (the body) into this namespace. 'policy' says what happens to configs that exist: " +
                         "'abort' (the default: 409 and nothing written if any exists), 'skip' (kept) or 'overwrite' (replaced). Answers what was " +
                         "created, skipped, overwritten and what failed and why. Paths other than GROUP/dataId, or more than " +
                         "Meridian:Config:MaxArchiveBytes / MaxArchiveEntries, are refused before anything is written.");

        group.MapPost("/configs/clone", Clone)
            .Produces<ConfigTransferResponse>()
            .WithSummary("Copies configs of this namespace (content, type, appName, tags, description) into 'targetNamespace', with the same " +
                         "'policy' as an import. Needs read on each source config and write on each target.");
    }

    private static IResult Export(string ns, string? group, string? dataId, ClaimsPrincipal user, ConfigTransfer transfer)
    {
        var errors = new ValidationErrors();
        Rules.Name(errors, "namespace", ns);
        ConfigHttp.Pattern(errors, "dataId", dataId);
        ConfigHttp.Pattern(errors, "group", group);
        errors.ThrowIfAny();
        var configs = transfer.Export(ns, group, dataId, Caller.Of(user));
        var zip = new MemoryStream();
        ConfigArchive.Write(zip, configs);
        zip.Position = 0;
        return Results.File(zip, ZipType, $"{ns}-configs.zip");
    }

    private static async Task<IResult> Import(string ns, string? policy, HttpContext http, ConfigTransfer transfer, IOptions<ConfigOptions> options,
        CancellationToken ct)
    {
        var errors = new ValidationErrors();
        Rules.Name(errors, "namespace", ns);
        var conflicts = Policy(errors, policy);
        errors.ThrowIfAny();
        var limit = options.Value.MaxArchiveBytes;
        using var body = new MemoryStream();
        try
        {
            await http.Request.Body.CopyToAsync(body, ct);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge(http.Request.ContentLength, limit);
        }

        if (body.Length == 0)
        {
            throw InvalidInputException.For(ConfigArchive.Field, "Send the zip as the request body (Content-Type: application/zip), as an export makes it.");
        }

        body.Position = 0;
        var archive = ConfigArchive.Read(body, "the upload",
            new ArchiveLimits(options.Value.MaxArchiveEntries, options.Value.MaxContentBytes, limit));
        var report = await transfer.ImportAsync(ns, archive, conflicts, Caller.Of(http.User), ct);
        return TypedResults.Ok(ConfigTransferResponse.From(report));
    }

    private static async Task<ConfigTransferResponse> Clone(string ns, ConfigCloneRequest request, ClaimsPrincipal user, ConfigTransfer transfer,
        CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var conflicts = Policy(errors, request.Policy);
        if (string.IsNullOrEmpty(request.TargetNamespace))
        {
            errors.Add("targetNamespace", "'targetNamespace' is required: the namespace to copy the configs into.");
        }

        errors.ThrowIfAny();
        var keys = (request.Configs ?? []).Select(c => (c?.Group ?? ConfigKey.DefaultGroup, c?.DataId ?? "")).ToList();
        return ConfigTransferResponse.From(await transfer.CloneAsync(ns, keys, request.TargetNamespace!, conflicts, Caller.Of(user), ct));
    }

    private static ConflictPolicy Policy(ValidationErrors errors, string? policy)
    {
        switch (policy)
        {
            case null or "" or "abort":
                return ConflictPolicy.Abort;
            case "skip":
                return ConflictPolicy.Skip;
            case "overwrite":
                return ConflictPolicy.Overwrite;
            default:
                errors.Add("policy", $"'policy' is 'abort' (the default), 'skip' or 'overwrite'; got '{policy}'.");
                return ConflictPolicy.Abort;
        }
    }

    private static IResult TooLarge(long? length, long limit) => Results.Problem(
        statusCode: StatusCodes.Status413PayloadTooLarge,
        title: "The archive is too large.",
        detail: $"The upload is {(length is { } l ? $"{l} bytes" : "larger than that")}; at most {limit} bytes are taken " +
                "(Meridian:Config:MaxArchiveBytes). Split it (export by group or data id).",
        type: "https://tools.ietf.org/html/rfc9110#section-15.5.14");
}
