using System.Security.Cryptography;
using System.Text;

namespace Meridian.Client.Configuration;

/// <summary>Keeps the last content loaded of each config on disk, so a start with the server down still has its settings.</summary>
internal sealed class ConfigSnapshots(string directory)
{
    public string Directory { get; } = directory;

    public void Save(ConfigSource source, string? content)
    {
        var path = PathOf(source);
        if (content is null)
        {
            if (File.Exists(path))
            {
                File.Delete(path);
            }

            return;
        }

        System.IO.Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        var temp = path + ".tmp";
        File.WriteAllText(temp, content, Encoding.UTF8);
        File.Move(temp, path, overwrite: true);
    }

    public string? Load(ConfigSource source)
    {
        var path = PathOf(source);
        return File.Exists(path) ? File.ReadAllText(path, Encoding.UTF8) : null;
    }

    public string PathOf(ConfigSource source) => System.IO.Path.Combine(Directory, source.Namespace, source.Group, source.DataId);

    public static string Md5(string content) => Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(content)));
}
