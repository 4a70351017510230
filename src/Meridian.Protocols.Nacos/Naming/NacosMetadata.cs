using System.Text.Json;
using Meridian.Protocols.Nacos.Http;

namespace Meridian.Protocols.Nacos.Naming;

/// <summary>Reads the <c>metadata</c> parameter: a JSON object, or <c>k=v,k2=v2</c> as Nacos' parseMetadata also accepts.</summary>
internal static class NacosMetadata
{
    public static Dictionary<string, string>? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var trimmed = text.Trim();
        if (trimmed.StartsWith('{'))
        {
            try
            {
                using var document = JsonDocument.Parse(trimmed);
                return FromJson(document.RootElement);
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException)
            {
                // InvalidOperationException: a string the parser accepted but cannot turn into text (a lone surrogate escape).
                throw new NacosException(StatusCodes.Status400BadRequest, $"metadata format incorrect: {e.Message}");
            }
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in trimmed.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new NacosException(StatusCodes.Status400BadRequest, $"metadata format incorrect: '{pair}' is not key=value.");
            }

            result[pair[..eq].Trim()] = pair[(eq + 1)..].Trim();
        }

        return result;
    }

    /// <summary>Values of any JSON kind become their text, since Nacos metadata is a string map.</summary>
    public static Dictionary<string, string> FromJson(JsonElement element)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (element.ValueKind != JsonValueKind.Object)
        {
            return result;
        }

        foreach (var property in element.EnumerateObject())
        {
            result[property.Name] = property.Value.ValueKind switch
            {
                JsonValueKind.String => property.Value.GetString()!,
                JsonValueKind.Null => "",
                _ => property.Value.GetRawText(),
            };
        }

        return result;
    }

    public static void Write(Utf8JsonWriter writer, string name, IReadOnlyDictionary<string, string> metadata)
    {
        writer.WriteStartObject(name);
        foreach (var (key, value) in metadata)
        {
            writer.WriteString(key, value);
        }

        writer.WriteEndObject();
    }
}
