using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace Meridian.Naming;

/// <summary>
/// An immutable view of one service at one revision. Readers take the current snapshot without locks; the projection
/// builds the next one from it. A change costs O(log n) whatever the size of the service: instances sit in a persistent
/// sorted map and the healthy count is kept incrementally; the arrays readers iterate and the checksum are built once
/// per snapshot, on first read, so a burst of changes nobody reads in between costs nothing more.
/// </summary>
public sealed class ServiceSnapshot
{
    private readonly ImmutableSortedDictionary<string, Instance> _byId;
    private Instance[]? _instances;
    private Instance[]? _healthyEnabled;
    private string? _checksumText;

    private ServiceSnapshot(ServiceKey key, ServiceDefinition definition, ImmutableSortedDictionary<string, Instance> byId, int healthy,
        long revision)
    {
        Key = key;
        Definition = definition;
        _byId = byId;
        HealthyCount = healthy;
        Revision = revision;
    }

    public ServiceKey Key { get; }
    public ServiceDefinition Definition { get; }

    /// <summary>Every instance, ordered by instance id.</summary>
    public ImmutableArray<Instance> Instances => ImmutableCollectionsMarshal.AsImmutableArray(_instances ??= [.. _byId.Values]);

    public int Count => _byId.Count;

    /// <summary>Instances that are healthy and enabled, built once per revision so lists never filter per request.</summary>
    public ImmutableArray<Instance> HealthyEnabled => HealthyCount == _byId.Count
        ? Instances
        : ImmutableCollectionsMarshal.AsImmutableArray(_healthyEnabled ??= [.. _byId.Values.Where(static i => i.Healthy && i.Enabled)]);

    public int HealthyCount { get; }

    /// <summary>
    /// Fewer healthy, enabled instances than the protect threshold asks for: a healthy-only list then serves every enabled
    /// instance instead, unhealthy ones too, so the few healthy ones are not overrun.
    /// </summary>
    public bool ReachedProtectThreshold => BelowProtectThreshold(HealthyCount, _byId.Count, Definition.ProtectThreshold);

    /// <summary>The protect threshold's one rule: some instances, a threshold set, and a healthy-and-enabled share under it.</summary>
    internal static bool BelowProtectThreshold(int healthy, int total, double threshold) =>
        total > 0 && threshold > 0 && (double)healthy / total < threshold;

    /// <summary>The revision of the last change to this service; grows with every change; never 0.</summary>
    public long Revision { get; }

    /// <summary>A fingerprint of the instance list (lower-case hex), so clients can tell at a glance whether they hold the same list.</summary>
    public string Checksum => _checksumText ??= ComputeChecksum();

    public Instance? Find(string instanceId) => _byId.GetValueOrDefault(instanceId);

    internal static ServiceSnapshot Empty(ServiceKey key, long revision) =>
        new(key, ServiceDefinition.Default, ImmutableSortedDictionary.Create<string, Instance>(StringComparer.Ordinal), 0, revision);

    internal ServiceSnapshot With(ServiceDefinition definition, long revision) =>
        new(Key, definition, _byId, HealthyCount, Math.Max(revision, Revision));

    internal ServiceSnapshot With(Instance instance, long revision)
    {
        var healthy = HealthyCount + (Serves(instance) ? 1 : 0);
        if (_byId.TryGetValue(instance.InstanceId, out var old))
        {
            healthy -= Serves(old) ? 1 : 0;
        }

        return new(Key, Definition, _byId.SetItem(instance.InstanceId, instance), healthy, Math.Max(revision, Revision));
    }

    internal ServiceSnapshot Without(string instanceId, long revision)
    {
        if (!_byId.TryGetValue(instanceId, out var old))
        {
            return new(Key, Definition, _byId, HealthyCount, Math.Max(revision, Revision));
        }

        return new(Key, Definition, _byId.Remove(instanceId), HealthyCount - (Serves(old) ? 1 : 0), Math.Max(revision, Revision));
    }

    private static bool Serves(Instance instance) => instance.Healthy && instance.Enabled;

    /// <summary>
    /// MD5 of one line per instance in id order (<c>id|ip|port|weight|healthy enabled ephemeral|cluster|key=value...</c>,
    /// metadata sorted by key, UTF-8), hashed in chunks of many lines. Computed on first read of a snapshot, so changes
    /// nobody reads cost nothing.
    /// </summary>
    private string ComputeChecksum()
    {
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        var text = new StringBuilder(ChecksumChunkChars + 256);
        foreach (var i in _byId.Values)
        {
            text.Append(i.InstanceId).Append('|').Append(i.Ip).Append('|').Append(CultureInfo.InvariantCulture, $"{i.Port}")
                .Append('|').Append(CultureInfo.InvariantCulture, $"{i.Weight:R}").Append('|').Append(i.Healthy ? '1' : '0')
                .Append(i.Enabled ? '1' : '0').Append(i.Ephemeral ? '1' : '0').Append('|').Append(i.Cluster);
            foreach (var pair in i.Metadata.Count > 1 ? i.Metadata.OrderBy(p => p.Key, StringComparer.Ordinal) : (IEnumerable<KeyValuePair<string, string>>)i.Metadata)
            {
                text.Append('|').Append(pair.Key).Append('=').Append(pair.Value);
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
