using System.Collections.Immutable;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Meridian.Naming;

/// <summary>
/// An immutable view of one service at one revision. Readers take the current snapshot without locks;
/// writers build a new one and swap it in.
/// </summary>
public sealed class ServiceSnapshot
{
    private ServiceSnapshot(ServiceKey key, ServiceDefinition definition, ImmutableArray<Instance> instances, long revision)
    {
        Key = key;
        Definition = definition;
        Instances = instances;
        Revision = revision;
        var serving = ImmutableArray.CreateBuilder<Instance>(instances.Length);
        var healthy = 0;
        foreach (var instance in instances)
        {
            if (instance.Healthy && instance.Enabled)
            {
                healthy++;
                serving.Add(instance);
            }
        }

        HealthyEnabled = serving.Count == instances.Length ? instances : serving.ToImmutable();
        HealthyCount = healthy;
        Checksum = ComputeChecksum(instances);
    }

    public ServiceKey Key { get; }
    public ServiceDefinition Definition { get; }
    public ImmutableArray<Instance> Instances { get; }

    /// <summary>Instances that are healthy and enabled, computed once per revision so lists never filter per request.</summary>
    public ImmutableArray<Instance> HealthyEnabled { get; }
    public int HealthyCount { get; }

    /// <summary>Grows with every change of this service; never 0.</summary>
    public long Revision { get; }

    /// <summary>MD5 (lower-case hex) of the instance list, so clients can tell at a glance whether they hold the same list.</summary>
    public string Checksum { get; }

    internal static ServiceSnapshot Create(ServiceKey key, ServiceDefinition definition, ImmutableArray<Instance> instances, long revision) =>
        new(key, definition, instances, revision);

    internal ServiceSnapshot With(ImmutableArray<Instance> instances, long revision) => new(Key, Definition, instances, revision);

    internal ServiceSnapshot With(ServiceDefinition definition, long revision) => new(Key, definition, Instances, revision);

    private static string ComputeChecksum(ImmutableArray<Instance> instances)
    {
        // Every registration recomputes this over the whole service, under the service's lock: the lines are hashed
        // in chunks of many instances, not one string, byte array and native hash call per instance.
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        var text = new StringBuilder(ChecksumChunkChars + 256);
        foreach (var i in instances)
        {
            text.Append(i.InstanceId).Append('|').Append(i.Ip).Append('|').Append(CultureInfo.InvariantCulture, $"{i.Port}")
                .Append('|').Append(CultureInfo.InvariantCulture, $"{i.Weight:R}").Append('|').Append(i.Healthy ? '1' : '0')
                .Append(i.Enabled ? '1' : '0').Append(i.Ephemeral ? '1' : '0').Append('|').Append(i.Cluster);
            if (i.Metadata.Count == 1)
            {
                foreach (var pair in i.Metadata)
                {
                    text.Append('|').Append(pair.Key).Append('=').Append(pair.Value);
                }
            }
            else if (i.Metadata.Count > 1)
            {
                foreach (var pair in i.Metadata.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    text.Append('|').Append(pair.Key).Append('=').Append(pair.Value);
                }
            }

            // Cut only between lines, so a surrogate pair is never split across two encodings.
            text.Append('\n');
            if (text.Length >= ChecksumChunkChars)
            {
                md5.AppendData(Encoding.UTF8.GetBytes(text.ToString()));
                text.Clear();
            }
        }

        md5.AppendData(Encoding.UTF8.GetBytes(text.ToString()));
        return Convert.ToHexStringLower(md5.GetHashAndReset());
    }

    private const int ChecksumChunkChars = 8 * 1024;
}
