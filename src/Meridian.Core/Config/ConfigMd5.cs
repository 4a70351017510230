using System.Security.Cryptography;

namespace Meridian.Config;

/// <summary>The Nacos content fingerprint: MD5 of the UTF-8 bytes as lower-case hex. Clients compare it, so it must match theirs exactly.</summary>
public static class ConfigMd5
{
    /// <summary>What a listener holds for a config that does not exist.</summary>
    public const string Absent = "";

    public static string Of(ReadOnlySpan<byte> utf8) => Convert.ToHexStringLower(MD5.HashData(utf8));
}
