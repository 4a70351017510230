using System.Text.Json;
using System.Text.Json.Serialization;

namespace Meridian.Server.Api;

/// <summary>The JSON shape of the native API: camelCase, enums as strings, source-generated metadata for the hot types.</summary>
internal static class ApiJson
{
    public static void Configure(JsonSerializerOptions options)
    {
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        options.TypeInfoResolverChain.Insert(0, ApiJsonContext.Default);
    }
}
