using System.Security.Claims;
using System.Buffers;
using Meridian.Auth;
using Meridian.Config;
using Meridian.Config.Listening;
using Meridian.Naming;
using Meridian.Validation;
using Microsoft.Extensions.Options;

namespace Meridian.Server.Api.Config;

internal static class ConfigListenerEndpoints
{
    private static readonly SearchValues<char> HexDigits = SearchValues.Create("0123456789abcdefABCDEF");

    public static void MapConfigListenerEndpoints(this RouteGroupBuilder api)
    {
        api.MapPost("/configs/listener", Listen)
            .WithTags("Configs")
            .WithSummary("Long-polls for changes. Answers at once with the keys whose md5 differs from the client's (\"\" = it has none), or " +
                         "that changed after the 'revision' a key gives; " +
                         "otherwise holds the request until one changes or 'timeoutMs' passes (default 30 s, clamped to 1 s..120 s), then answers " +
                         "with an empty list. Set the client's own timeout above 'timeoutMs'.");

        api.MapGet("/namespaces/{ns}/groups/{group}/configs/{dataId}/listeners",
                (string ns, string group, string dataId, ClaimsPrincipal user, ConfigListeners listeners) =>
                    listeners.ListenersOf(ConfigHttp.Key(ns, group, dataId), Caller.Of(user)).Select(l => new ConfigListenerResponse(l.ClientId, l.Address, l.Md5, l.Since)).ToList())
            .WithTags("Configs")
            .WithSummary("Lists the clients long-polling this config right now, with the md5 each holds and since when.");

        api.MapGet("/configs/listeners",
                (string? client, string? @namespace, ClaimsPrincipal user, ConfigListeners listeners) =>
                    listeners.ListenedBy(client ?? "", @namespace, Caller.Of(user))
                        .Select(l => new ClientListeningResponse(l.Key.Namespace, l.Key.Group, l.Key.DataId, l.ClientId, l.Address, l.Md5, l.Since)).ToList())
            .WithTags("Configs")
            .Produces<List<ClientListeningResponse>>()
            .WithSummary("Lists the configs one client long-polls right now, with the md5 it holds of each: 'client' is its client id, its address " +
                         "(ip:port) or its IP (every process on that host); 'namespace' narrows to one. Only configs the caller may read are listed.");
    }

    private static async Task<ConfigListenResponse> Listen(ConfigListenRequest request, HttpContext http, ConfigListeners listeners,
        ConfigProjection projection, IOptions<ConfigOptions> options, CancellationToken ct)
    {
        var configs = Validate(request, options.Value.MaxListenedConfigs);
        var timeout = listeners.HoldFor(request.TimeoutMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null);
        var address = ConfigHttp.Endpoint(http);
        var changed = await listeners.WaitAsync(configs, timeout, request.ClientId ?? address, address, Caller.Of(http.User), ct);
        return new ConfigListenResponse([.. changed.Select(c =>
            new ChangedConfigResponse(c.Key.Namespace, c.Key.Group, c.Key.DataId, c.Md5, c.Revision ?? projection.RevisionOf(c.Key)))]);
    }

    private static ListenedConfig[] Validate(ConfigListenRequest request, int maxKeys)
    {
        var errors = new ValidationErrors();
        if (request.Keys is not { Count: > 0 } keys)
        {
            errors.Add("keys", "'keys' must list at least one config the client holds: {namespace, group, dataId, md5}.");
            errors.ThrowIfAny();
            return [];
        }

        if (keys.Count > maxKeys)
        {
            errors.Add("keys", $"'keys' lists {keys.Count} configs; at most {maxKeys} fit in one long-poll (Meridian:Config:MaxListenedConfigs).");
        }

        if (request.TimeoutMs is < 0)
        {
            errors.Add("timeoutMs", $"'timeoutMs' must not be negative; got {request.TimeoutMs}.");
        }

        if (request.ClientId is { Length: 0 or > Rules.MaxNameLength })
        {
            errors.Add("clientId", $"'clientId' must be 1..{Rules.MaxNameLength} characters, or left out to use the client's address.");
        }

        // Listeners poll all the time: names are checked without allocating, and re-checked under indexed field names only when wrong.
        var scratch = new ValidationErrors();
        var configs = new ListenedConfig[Math.Min(keys.Count, maxKeys)];
        for (var i = 0; i < configs.Length; i++)
        {
            var k = keys[i];
            var key = new ConfigKey(k?.Namespace ?? ServiceKey.DefaultNamespace, k?.Group ?? ConfigKey.DefaultGroup, k?.DataId ?? "");
            ConfigRules.Key(scratch, key);
            if (!scratch.IsEmpty)
            {
                Rules.Name(errors, $"keys[{i}].namespace", key.Namespace);
                Rules.Name(errors, $"keys[{i}].group", key.Group);
                Rules.Name(errors, $"keys[{i}].dataId", key.DataId);
                scratch = new ValidationErrors();
            }

            if (k?.Md5 is { Length: > 0 } md5 && (md5.Length != 32 || md5.AsSpan().ContainsAnyExcept(HexDigits)))
            {
                errors.Add($"keys[{i}].md5", "'md5' must be 32 hex digits, or \"\" for a config the client does not have.");
            }

            if (k?.Revision is < 0)
            {
                errors.Add($"keys[{i}].revision", "'revision' must not be negative; give the revision of the version you hold, or leave it out to compare md5s.");
            }

            configs[i] = new ListenedConfig(key, k?.Md5?.ToLowerInvariant() ?? ConfigMd5.Absent, k?.Revision);
        }

        errors.ThrowIfAny();
        return configs;
    }
}
