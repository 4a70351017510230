using System.Text.Json;
using Meridian.Auth;
using Meridian.Config;
using Meridian.Namespaces;
using Meridian.Protocols.Nacos.Grpc.Wire;
using Meridian.Protocols.Nacos.Naming;
using Meridian.Protocols.Native;
using Meridian.Validation;

namespace Meridian.Protocols.Nacos.Grpc;

/// <summary>
/// The config requests of Nacos 2.x clients, over the configuration center's commands. Listening is by MD5: the
/// answer names the configs that differ from what the client holds, and later changes are pushed as
/// <c>ConfigChangeNotifyRequest</c>, after which the client reads the config.
/// </summary>
internal sealed class NacosConfigRequests(ConfigProjection configs, ConfigService commands, NamespaceCommands namespaces, NacosPushHub hub)
{
    /// <summary>Nacos' ConfigQueryResponse.CONFIG_NOT_FOUND: clients read it as "no such config", not as a failure.</summary>
    public const int ConfigNotFound = 300;

    public Payload Query(NacosRequest request, Caller caller)
    {
        var key = Key(request.Body);
        RefuseTag(request.String("tag"));
        var item = configs.Get(key, caller);
        if (item is null)
        {
            return NacosPayloads.Failed("ConfigQueryResponse", ConfigNotFound, "config data not exist", request.RequestId, w =>
            {
                w.WriteNumber("lastModified", 0);
                w.WriteBoolean("beta", false);
            });
        }

        return NacosPayloads.Ok("ConfigQueryResponse", request.RequestId, w =>
        {
            w.WriteString("content", item.Utf8Content.Span);
            w.WriteString("md5", item.Md5);
            w.WriteString("contentType", ConfigTypes.Name(item.Type));
            w.WriteString("encryptedDataKey", "");
            w.WriteNumber("lastModified", item.ModifiedAt.ToUnixTimeMilliseconds());
            w.WriteBoolean("beta", false);
            w.WriteNull("tag");
        });
    }

    /// <summary>A publish; with <c>casMd5</c> only if the config still has that MD5, as Nacos' compare-and-set has it.</summary>
    public async Task<Payload> PublishAsync(NacosRequest request, Caller caller, CancellationToken ct)
    {
        var key = Key(request.Body);
        var content = request.String("content");
        if (string.IsNullOrWhiteSpace(content))
        {
            throw Invalid("content", "The config content is blank; publish some content, or remove the config.");
        }

        var addition = request.Body.TryGetProperty("additionMap", out var map) ? map : default;
        RefuseTag(NacosRequest.String(addition, "tag"));
        if (!string.IsNullOrWhiteSpace(NacosRequest.String(addition, "betaIps")))
        {
            throw new NacosGrpcException(501, "Beta (betaIps) publishing is not supported by this server; publish to everyone, or use a separate data id.");
        }

        ConfigRules.ThrowIfInvalid(key);
        await namespaces.EnsureAsync(key.Namespace, caller, ct);
        var type = NacosRequest.String(addition, "type");
        var current = configs.Get(key);
        var cas = request.String("casMd5");
        var draft = new ConfigDraft(
            content,
            ConfigTypes.TryParse(type, out var parsed) ? parsed : string.IsNullOrWhiteSpace(type) && current is not null ? null : ConfigType.Text,
            NacosRequest.String(addition, "appName"),
            NacosRequest.String(addition, "config_tags") is { Length: > 0 } tags ? tags.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : null,
            NacosRequest.String(addition, "desc"),
            string.IsNullOrEmpty(cas) ? null : cas);
        try
        {
            await commands.PublishAsync(key, draft, caller, ct);
        }
        catch (ConflictException e) when (cas is { Length: > 0 })
        {
            return NacosPayloads.Failed("ConfigPublishResponse", NacosPayloads.Fail, $"Cas publish fail, server md5 may have changed. {e.Message}", request.RequestId);
        }

        return NacosPayloads.Ok("ConfigPublishResponse", request.RequestId);
    }

    public async Task<Payload> RemoveAsync(NacosRequest request, Caller caller, CancellationToken ct)
    {
        var key = Key(request.Body);
        RefuseTag(request.String("tag"));
        try
        {
            await commands.DeleteAsync(key, caller, ct);
        }
        catch (NotFoundException)
        {
            // Nacos answers ok for a config that was never there.
        }

        return NacosPayloads.Ok("ConfigRemoveResponse", request.RequestId);
    }

    /// <summary>Listens (or stops) to configs; answers with those whose MD5 differs from the one the client holds.</summary>
    public Payload BatchListen(NacosRequest request, NacosConnection connection, Caller caller)
    {
        var listen = request.Bool("listen") ?? true;
        var contexts = request.Body.TryGetProperty("configListenContexts", out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().ToList()
            : [];
        var changed = new List<(ConfigKey Key, string Tenant)>();
        foreach (var context in contexts)
        {
            var key = Key(context);
            var tenant = NacosRequest.String(context, "tenant") ?? "";
            var topic = PushTopic.Config(key);
            if (!listen)
            {
                hub.Unfollow(connection, topic);
                continue;
            }

            ConfigRules.ThrowIfInvalid(key);
            caller.Demand(key, AccessActions.Read);
            hub.Follow(connection, topic, tenant);
            if (!string.Equals(configs.Md5Of(key), NacosRequest.String(context, "md5") ?? "", StringComparison.Ordinal))
            {
                changed.Add((key, tenant));
                hub.NotifyStale(connection, key, tenant, configs.Get(key)?.Version ?? configs.LastVersionOf(key) + 1);
            }
        }

        return NacosPayloads.Ok("ConfigChangeBatchListenResponse", request.RequestId, w =>
        {
            w.WriteStartArray("changedConfigs");
            foreach (var (key, tenant) in changed)
            {
                w.WriteStartObject();
                w.WriteString("dataId", key.DataId);
                w.WriteString("group", key.Group);
                w.WriteString("tenant", tenant);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        });
    }

    private static ConfigKey Key(JsonElement body)
    {
        var dataId = NacosRequest.String(body, "dataId");
        if (string.IsNullOrWhiteSpace(dataId))
        {
            throw Invalid("dataId", "The request needs a 'dataId'.");
        }

        var group = NacosRequest.String(body, "group");
        return new ConfigKey(NacosNamespace.Tenant(NacosRequest.String(body, "tenant")), string.IsNullOrWhiteSpace(group) ? ConfigKey.DefaultGroup : group, dataId);
    }

    /// <summary>Tagged (gray) configs are not kept apart here; refusing beats serving everyone the tagged content.</summary>
    private static void RefuseTag(string? tag)
    {
        if (!string.IsNullOrWhiteSpace(tag))
        {
            throw new NacosGrpcException(501, $"Tagged configs (tag '{tag}') are not supported by this server; read and publish without a tag.");
        }
    }

    private static InvalidInputException Invalid(string field, string message) =>
        new(new Dictionary<string, string[]> { [field] = [message] });
}
