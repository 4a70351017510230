using Meridian.Protocols.Eureka.Wire;

namespace Meridian.Protocols.Eureka.Registry;

/// <summary>
/// Serialized full-registry payloads, one per format, valid for exactly one registry version. Eureka's own response
/// cache refreshes every 30 s and can hide a deregistration that long; this one is replaced by the first read after
/// any change.
/// </summary>
internal sealed class EurekaPayloadCache
{
    private sealed record Entry(long Version, IEurekaWriter Writer, byte[] Payload);

    private volatile Entry? _json;
    private volatile Entry? _xml;

    public byte[] Applications(EurekaRegistrySnapshot registry, IEurekaWriter writer)
    {
        var isJson = writer is EurekaJsonWriter;
        var cached = isJson ? _json : _xml;
        if (cached is not null && cached.Version == registry.Version && ReferenceEquals(cached.Writer, writer))
        {
            return cached.Payload;
        }

        var payload = writer.Applications(registry.Applications, "1", registry.AppsHashCode);
        var entry = new Entry(registry.Version, writer, payload);
        if (isJson)
        {
            _json = entry;
        }
        else
        {
            _xml = entry;
        }

        return payload;
    }
}
