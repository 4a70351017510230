using System.Net;
using Meridian.Config;
using Meridian.Config.Listening;
using Meridian.Protocols.Nacos.Http;
using Meridian.Protocols.Nacos.Naming;

namespace Meridian.Protocols.Nacos.Config;

/// <summary>One entry of <c>Listening-Configs</c>: the key it names, the md5 the client holds, and the tenant exactly as sent.</summary>
internal readonly record struct NacosListenedEntry(ListenedConfig Config, string DataId, string Group, string? Tenant);

/// <summary>
/// The long-poll wire format (Nacos' MD5Util): entries <c>dataId^2group^2md5^1</c> or <c>dataId^2group^2md5^2tenant^1</c>
/// with ^1 = U+0001 and ^2 = U+0002; the answer lists changed entries the same way, URL-encoded as Java's URLEncoder does.
/// </summary>
internal static class NacosListeningConfigs
{
    public const char LineSeparator = '\u0001';
    public const char WordSeparator = '\u0002';

    public static List<NacosListenedEntry> Parse(string? probe, int maxEntries)
    {
        if (string.IsNullOrWhiteSpace(probe))
        {
            throw new NacosException(StatusCodes.Status400BadRequest, "invalid probeModify");
        }

        // Nacos decodes the value once more after the servlet did; harmless for the characters ids and md5s may hold.
        var decoded = WebUtility.UrlDecode(probe);
        var entries = new List<NacosListenedEntry>();
        foreach (var line in decoded.Split(LineSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var words = line.Split(WordSeparator);
            if (words.Length > 4)
            {
                throw new NacosException(StatusCodes.Status400BadRequest, "invalid protocol,too much key");
            }

            if (words.Length < 3)
            {
                throw new NacosException(StatusCodes.Status400BadRequest, $"invalid protocol: '{line.Replace(WordSeparator, '^')}' is not dataId^2group^2md5[^2tenant]");
            }

            var tenant = words.Length == 4 ? words[3] : null;
            var key = new ConfigKey(NacosNamespace.Tenant(tenant), words[1], words[0]);
            entries.Add(new NacosListenedEntry(new ListenedConfig(key, words[2]), words[0], words[1], tenant));
            if (entries.Count > maxEntries)
            {
                throw new NacosException(StatusCodes.Status400BadRequest, $"too many listened configs: at most {maxEntries} per request.");
            }
        }

        if (entries.Count == 0)
        {
            throw new NacosException(StatusCodes.Status400BadRequest, "invalid probeModify");
        }

        return entries;
    }

    /// <summary>The changed entries, each as the client named it (tenant only if it sent a non-blank one), URL-encoded.</summary>
    public static string Answer(IEnumerable<NacosListenedEntry> changed)
    {
        var text = new System.Text.StringBuilder();
        foreach (var entry in changed)
        {
            text.Append(entry.DataId).Append(WordSeparator).Append(entry.Group);
            if (!string.IsNullOrWhiteSpace(entry.Tenant))
            {
                text.Append(WordSeparator).Append(entry.Tenant);
            }

            text.Append(LineSeparator);
        }

        return NacosUrlEncoder.Encode(text.ToString());
    }
}
