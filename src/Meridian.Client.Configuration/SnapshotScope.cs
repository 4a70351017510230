using System.Security.Cryptography;
using System.Text;

namespace Meridian.Client.Configuration;

/// <summary>
/// Where an application's snapshots live under a snapshot folder: one folder per set of servers and per application,
/// so an app never restores what another app, or the same app against other servers (a dev and a prod registry on
/// one machine), saved.
/// </summary>
internal static class SnapshotScope
{
    public static string Of(string root, IEnumerable<string> servers, string application)
    {
        var set = string.Join(',', servers.Select(s => s.Trim().TrimEnd('/').ToLowerInvariant()).Order(StringComparer.Ordinal));
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(set)).AsSpan(0, 6));
        return Path.Combine(root, key, Safe(application));
    }

    /// <summary>The entry assembly's name, for apps that do not register a service name.</summary>
    public static string DefaultApplication => System.Reflection.Assembly.GetEntryAssembly()?.GetName().Name ?? "app";

    private static string Safe(string name)
    {
        var invalid = Path.GetInvalidFileNameChars();
        var safe = new string([.. name.Select(c => invalid.Contains(c) ? '_' : c)]);
        return safe is "" or "." or ".." ? "app" : safe;
    }
}
