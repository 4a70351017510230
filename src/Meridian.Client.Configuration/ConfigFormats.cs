using System.Text;
using Microsoft.Extensions.Configuration;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Meridian.Client.Configuration;

/// <summary>
/// Turns config content into configuration keys (<c>pattern:dateformat</c>). JSON and XML go through the platform's
/// own providers so keys come out exactly as appsettings.json would give them.
/// </summary>
internal static class ConfigFormats
{
    public static Dictionary<string, string?> Parse(string format, string content)
    {
        return format.ToLowerInvariant() switch
        {
            "yaml" or "yml" => Yaml(content),
            "json" => ThroughProvider(b => b.AddJsonStream(Stream(content))),
            "xml" => ThroughProvider(b => b.AddXmlStream(Stream(content))),
            "properties" => Properties(content),
            _ => throw new FormatException($"'{format}' is not a format the configuration source reads; use yaml, json, properties or xml."),
        };
    }

    private static MemoryStream Stream(string content) => new(Encoding.UTF8.GetBytes(content));

    private static Dictionary<string, string?> ThroughProvider(Action<IConfigurationBuilder> add)
    {
        var builder = new ConfigurationBuilder();
        add(builder);
        try
        {
            return builder.Build().AsEnumerable().Where(p => p.Value is not null).ToDictionary(p => p.Key, p => p.Value, StringComparer.OrdinalIgnoreCase);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new FormatException((e.InnerException ?? e).Message, e);
        }
    }

    private static Dictionary<string, string?> Yaml(string content)
    {
        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(content));
        }
        catch (YamlException e)
        {
            throw new FormatException($"line {e.Start.Line}, column {e.Start.Column}: {e.Message}", e);
        }

        foreach (var document in stream.Documents)
        {
            Flatten(document.RootNode, "", data);
        }

        return data;
    }

    private static void Flatten(YamlNode node, string prefix, Dictionary<string, string?> data)
    {
        switch (node)
        {
            case YamlMappingNode map:
                foreach (var (key, value) in map.Children)
                {
                    var name = ((YamlScalarNode)key).Value ?? "";
                    Flatten(value, prefix.Length == 0 ? name : prefix + ConfigurationPath.KeyDelimiter + name, data);
                }

                break;
            case YamlSequenceNode sequence:
                for (var i = 0; i < sequence.Children.Count; i++)
                {
                    Flatten(sequence.Children[i], prefix + ConfigurationPath.KeyDelimiter + i, data);
                }

                break;
            case YamlScalarNode scalar:
                data[prefix] = scalar.Style == YamlDotNet.Core.ScalarStyle.Plain && scalar.Value is "~" or "null" ? null : scalar.Value;
                break;
        }
    }

    /// <summary>Java properties: <c>a.b=c</c> becomes <c>a:b</c>, as Spring users expect.</summary>
    private static Dictionary<string, string?> Properties(string content)
    {
        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var lines = content.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimStart();
            if (line.Length == 0 || line[0] is '#' or '!')
            {
                continue;
            }

            while (line.EndsWith('\\') && i + 1 < lines.Length)
            {
                line = line[..^1] + lines[++i].TrimStart();
            }

            var split = line.IndexOfAny(['=', ':']);
            if (split <= 0)
            {
                throw new FormatException($"line {i + 1}, column 1: expected 'key=value' but found '{line}'.");
            }

            data[line[..split].Trim().Replace('.', ':')] = line[(split + 1)..].Trim();
        }

        return data;
    }
}
