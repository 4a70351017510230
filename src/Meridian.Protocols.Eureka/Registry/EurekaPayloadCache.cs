using System.IO.Compression;
using Meridian.Protocols.Eureka.Wire;

namespace Meridian.Protocols.Eureka.Registry;

/// <summary>
/// Serialized full-registry payloads, one per format, plain and gzipped, valid for exactly one registry version.
/// Eureka's own response cache refreshes every 30 s and can hide a deregistration that long; this one is replaced by
/// the first read after any change.
/// </summary>
internal sealed class EurekaPayloadCache
{
    private sealed class Entry(long version, IEurekaWriter writer, byte[] payload)
    {
        private byte[]? _gzipped;

        public long Version { get; } = version;
        public IEurekaWriter Writer { get; } = writer;
        public byte[] Payload { get; } = payload;

        // Racing readers may both compress; they produce the same bytes, so either result is fine.
        public byte[] Gzipped => _gzipped ??= Gzip(Payload);
    }

    private volatile Entry? _json;
    private volatile Entry? _xml;

    public byte[] Applications(EurekaRegistrySnapshot registry, IEurekaWriter writer, bool gzip)
    {
        var isJson = writer is EurekaJsonWriter;
        var entry = isJson ? _json : _xml;
        if (entry is null || entry.Version != registry.Version || !ReferenceEquals(entry.Writer, writer))
        {
            entry = new Entry(registry.Version, writer, writer.Applications(registry.Applications, "1", registry.AppsHashCode));
            if (isJson)
            {
                _json = entry;
            }
            else
            {
                _xml = entry;
            }
        }

        return gzip ? entry.Gzipped : entry.Payload;
    }

    public static byte[] Gzip(byte[] payload)
    {
        using var compressed = new MemoryStream();
        using (var stream = new GZipStream(compressed, CompressionLevel.Fastest))
        {
            stream.Write(payload);
        }

        return compressed.ToArray();
    }
}
