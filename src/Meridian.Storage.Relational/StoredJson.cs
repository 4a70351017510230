using System.Text.Json;
using System.Text.Json.Serialization;

namespace Meridian.Storage.Relational;

/// <summary>How stored documents (service settings, instances) are written into their JSON columns.</summary>
internal static class StoredJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };
}
