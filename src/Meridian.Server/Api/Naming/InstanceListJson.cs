using System.Runtime.CompilerServices;
using System.Text.Json;
using Meridian.Naming;

namespace Meridian.Server.Api.Naming;

/// <summary>
/// The JSON of an instance list, serialized once per snapshot and filter: a snapshot never changes, so every request
/// for the same revision writes the same bytes. Entries live exactly as long as their snapshot.
/// </summary>
internal sealed class InstanceListJson(JsonSerializerOptions options)
{
    private const int AllSlot = 0;
    private const int HealthySlot = 1;
    private readonly ConditionalWeakTable<ServiceSnapshot, byte[]?[]> _bySnapshot = new();

    /// <summary>Null when the list is filtered by cluster: those are rare and are serialized per request.</summary>
    public byte[]? Cached(ServiceSnapshot snapshot, InstanceFilter filter)
    {
        if (filter.Clusters is { Count: > 0 })
        {
            return null;
        }

        var slots = _bySnapshot.GetValue(snapshot, static _ => new byte[2][]);
        var slot = filter.HealthyOnly ? HealthySlot : AllSlot;
        if (Volatile.Read(ref slots[slot]) is { } bytes)
        {
            return bytes;
        }

        // Two requests racing here serialize the same bytes; either copy may stay.
        bytes = Serialize(RegistryProjection.Select(snapshot, filter));
        Volatile.Write(ref slots[slot], bytes);
        return bytes;
    }

    public byte[] Serialize(InstanceList list) => JsonSerializer.SerializeToUtf8Bytes(Response(list), options.GetTypeInfo(typeof(InstanceListResponse)));

    private static InstanceListResponse Response(InstanceList list)
    {
        var key = list.Snapshot.Key;
        return new InstanceListResponse(key.Namespace, key.Group, key.Name, list.Snapshot.Revision, list.Snapshot.Checksum, list.ReachedProtectThreshold, list.Instances);
    }
}
