using System.Text.Json;
using System.Text.Json.Serialization;

namespace Meridian.Server.Tests.Infrastructure;

/// <summary>The wire shapes as a client sees them, independent of the server's own types.</summary>
public static class Wire
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public sealed record InstanceDto(
        string InstanceId, string Ip, int Port, double Weight, bool Healthy, bool Enabled, bool Ephemeral, string Cluster,
        Dictionary<string, string> Metadata);

    public sealed record InstanceListDto(
        string Namespace, string Group, string Service, long Revision, string Checksum, bool ReachedProtectThreshold,
        List<InstanceDto> Instances);

    public sealed record ProblemDto(int Status, string? Title, string? Detail, Dictionary<string, string[]>? Errors, string? Type = null);

    public sealed record ServiceDto(
        string Namespace, string Group, string Name, double ProtectThreshold, int InstanceCount, int HealthyInstanceCount, long Revision);

    public sealed record ServicePageDto(int Total, int PageNo, int PageSize, List<ServiceDto> Items);
}
