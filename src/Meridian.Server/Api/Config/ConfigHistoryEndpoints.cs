using System.Security.Claims;
using Meridian.Auth;
using Meridian.Config;
using Meridian.Validation;

namespace Meridian.Server.Api.Config;

internal static class ConfigHistoryEndpoints
{
    public static void MapConfigHistoryEndpoints(this RouteGroupBuilder config)
    {
        config.MapGet("/history", async (string ns, string group, string dataId, int? pageNo, int? pageSize, ClaimsPrincipal user, ConfigService configs, CancellationToken ct) =>
            {
                var errors = new ValidationErrors();
                var (page, size) = ConfigHttp.Paging(errors, pageNo, pageSize, defaultSize: 50);
                errors.ThrowIfAny();
                var history = await configs.ListHistoryAsync(ConfigHttp.Key(ns, group, dataId), page, size, Caller.Of(user), ct);
                return new ConfigHistoryPageResponse(history.Total, page, size, [.. history.Items.Select(ConfigHistoryEntryResponse.From)]);
            })
            .WithSummary("Lists a config's changes, newest first: version, operation (publish, delete, rollback), md5, who, from where, when.");

        config.MapGet("/history/{version:long}", async (string ns, string group, string dataId, long version, ClaimsPrincipal user, ConfigService configs, CancellationToken ct) =>
                ConfigVersionResponse.From(await configs.GetVersionAsync(ConfigHttp.Key(ns, group, dataId), version, Caller.Of(user), ct)))
            .WithSummary("Reads one version in full, content included (for a deletion: the content that was deleted).");

        config.MapGet("/diff", async (string ns, string group, string dataId, long? from, long? to, ClaimsPrincipal user, ConfigService configs, CancellationToken ct) =>
            {
                var key = ConfigHttp.Key(ns, group, dataId);
                if (from is not > 0)
                {
                    throw InvalidInputException.For("from", "'from' is required: the version to compare from (1 or more).");
                }

                var diff = await configs.DiffAsync(key, from.Value, to, Caller.Of(user), ct);
                return new ConfigDiffResponse(diff.From, diff.To, diff.Identical, diff.Unified);
            })
            .WithSummary("Compares the content of two versions as a unified line diff; 'to' defaults to the current version.");

        config.MapPost("/rollback", async (string ns, string group, string dataId, ConfigRollbackRequest request, HttpContext http, ConfigService configs,
                CancellationToken ct) =>
            {
                var key = ConfigHttp.Key(ns, group, dataId);
                if (request.Version is not > 0)
                {
                    throw InvalidInputException.For("version", "'version' is required: the earlier version whose content to publish again.");
                }

                var item = await configs.RollbackAsync(key, request.Version.Value, ConfigHttp.Author(http), ct);
                http.Response.Headers.ETag = ConfigHttp.ETag(item);
                return ConfigResponse.From(item);
            })
            .WithSummary("Publishes an earlier version's content and settings again, as a new version recorded as a rollback.");
    }
}
