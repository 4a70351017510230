using System.Collections.Frozen;
using System.IO.Compression;
using System.Reflection;
using System.Security.Cryptography;

namespace Meridian.Server.Console;

/// <summary>One file of the built console, held as it is and gzipped, with a strong ETag of its content.</summary>
internal sealed record ConsoleAsset(string Path, string ContentType, byte[] Content, byte[] Gzipped, string ETag);

/// <summary>
/// The web console's built files, embedded in the server assembly by the build (<c>console/...</c> resources), read and
/// gzipped once at start-up. Empty when the server was built with <c>-p:BuildConsole=false</c>.
/// </summary>
internal sealed class ConsoleAssets
{
    private const string Prefix = "console/";

    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
        [".png"] = "image/png",
        [".ico"] = "image/x-icon",
        [".json"] = "application/json",
        [".woff2"] = "font/woff2",
        [".txt"] = "text/plain; charset=utf-8",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private readonly FrozenDictionary<string, ConsoleAsset> _files;

    public ConsoleAssets()
        : this(typeof(ConsoleAssets).Assembly)
    {
    }

    internal ConsoleAssets(Assembly assembly)
    {
        var files = new Dictionary<string, ConsoleAsset>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var content = buffer.ToArray();
            var path = name[Prefix.Length..];
            files[path] = new ConsoleAsset(path, ContentTypes.GetValueOrDefault(Path.GetExtension(path), "application/octet-stream"), content, Gzip(content),
                $"\"{Convert.ToHexStringLower(SHA256.HashData(content).AsSpan(0, 16))}\"");
        }

        _files = files.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>False when the server was built without the console.</summary>
    public bool IsBuilt => _files.ContainsKey("index.html");

    public ConsoleAsset? Find(string path) => _files.GetValueOrDefault(path);

    private static byte[] Gzip(byte[] content)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            gzip.Write(content);
        }

        return output.ToArray();
    }
}
