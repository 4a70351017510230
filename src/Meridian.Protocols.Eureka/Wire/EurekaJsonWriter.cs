using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Meridian.Protocols.Eureka.Wire;

/// <summary>
/// Eureka's JSON (EurekaJacksonCodec): root-wrapped documents, ports as <c>{"$":8080,"@enabled":"true"}</c>, the
/// <c>@Auto</c> fields as strings, <c>@class</c> on <c>dataCenterInfo</c>, an empty metadata map as Java's EmptyMap, and
/// <c>application</c>/<c>instance</c> always arrays. Strict clients reject unknown fields, so only Eureka's names are written.
/// </summary>
internal sealed class EurekaJsonWriter : IEurekaWriter
{
    public static readonly EurekaJsonWriter Default = new();

    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public string ContentType => "application/json";

    public byte[] Applications(IReadOnlyList<EurekaApplication> applications, string versionsDelta, string appsHashCode) => Write(w =>
    {
        w.WriteStartObject();
        w.WriteStartObject("applications");
        w.WriteString("versions__delta", versionsDelta);
        w.WriteString("apps__hashcode", appsHashCode);
        w.WriteStartArray("application");
        foreach (var application in applications)
        {
            WriteApplication(w, application);
        }

        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
    });

    public byte[] Application(EurekaApplication application) => Write(w =>
    {
        w.WriteStartObject();
        w.WritePropertyName("application");
        WriteApplication(w, application);
        w.WriteEndObject();
    });

    public byte[] Instance(EurekaInstanceView instance) => Write(w =>
    {
        w.WriteStartObject();
        w.WritePropertyName("instance");
        WriteInstance(w, instance);
        w.WriteEndObject();
    });

    private static void WriteApplication(Utf8JsonWriter w, EurekaApplication application)
    {
        w.WriteStartObject();
        w.WriteString("name", application.Name);
        w.WriteStartArray("instance");
        foreach (var instance in application.Instances)
        {
            WriteInstance(w, instance);
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteInstance(Utf8JsonWriter w, EurekaInstanceView i)
    {
        w.WriteStartObject();
        w.WriteString("instanceId", i.InstanceId);
        w.WriteString("hostName", i.HostName);
        w.WriteString("app", i.App);
        w.WriteString("ipAddr", i.IpAddr);
        w.WriteString("status", i.Status);
        w.WriteString("overriddenStatus", i.OverriddenStatus);
        WritePort(w, "port", i.Port, i.PortEnabled);
        WritePort(w, "securePort", i.SecurePort, i.SecurePortEnabled);
        w.WriteNumber("countryId", i.CountryId);

        w.WriteStartObject("dataCenterInfo");
        w.WriteString("@class", i.DataCenterClass);
        w.WriteString("name", i.DataCenterName);
        if (i.DataCenterMetadataJson is { } dataCenterMetadata)
        {
            w.WritePropertyName("metadata");
            w.WriteRawValue(dataCenterMetadata);
        }

        w.WriteEndObject();

        w.WriteStartObject("leaseInfo");
        w.WriteNumber("renewalIntervalInSecs", i.RenewalIntervalInSecs);
        w.WriteNumber("durationInSecs", i.DurationInSecs);
        w.WriteNumber("registrationTimestamp", i.RegistrationTimestamp);
        w.WriteNumber("lastRenewalTimestamp", i.LastUpdatedTimestamp);
        w.WriteNumber("evictionTimestamp", 0);
        w.WriteNumber("serviceUpTimestamp", i.RegistrationTimestamp);
        w.WriteEndObject();

        w.WriteStartObject("metadata");
        var any = false;
        foreach (var (key, value) in i.Metadata())
        {
            w.WriteString(key, value);
            any = true;
        }

        if (!any)
        {
            w.WriteString("@class", "java.util.Collections$EmptyMap");
        }

        w.WriteEndObject();

        WriteOptional(w, "appGroupName", i.AppGroupName);
        WriteOptional(w, "homePageUrl", i.HomePageUrl);
        WriteOptional(w, "statusPageUrl", i.StatusPageUrl);
        WriteOptional(w, "healthCheckUrl", i.HealthCheckUrl);
        WriteOptional(w, "secureHealthCheckUrl", i.SecureHealthCheckUrl);
        WriteOptional(w, "vipAddress", i.VipAddress);
        WriteOptional(w, "secureVipAddress", i.SecureVipAddress);
        w.WriteString("isCoordinatingDiscoveryServer", "false");
        w.WriteString("lastUpdatedTimestamp", i.LastUpdatedTimestamp.ToString(CultureInfo.InvariantCulture));
        w.WriteString("lastDirtyTimestamp", i.LastDirtyTimestamp.ToString(CultureInfo.InvariantCulture));
        w.WriteString("actionType", i.ActionType);
        WriteOptional(w, "asgName", i.AsgName);
        w.WriteEndObject();
    }

    private static void WritePort(Utf8JsonWriter w, string name, int port, bool enabled)
    {
        w.WriteStartObject(name);
        w.WriteNumber("$", port);
        w.WriteString("@enabled", enabled ? "true" : "false");
        w.WriteEndObject();
    }

    private static void WriteOptional(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }

    private static byte[] Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            write(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }
}
