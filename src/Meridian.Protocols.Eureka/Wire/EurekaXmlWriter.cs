using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Xml;

namespace Meridian.Protocols.Eureka.Wire;

/// <summary>
/// Eureka's XML (the Java client's XStream converters): the same documents as JSON, with <c>overriddenstatus</c> in
/// lower case, ports as <c>&lt;port enabled="true"&gt;8080&lt;/port&gt;</c>, <c>dataCenterInfo class="…"</c> and one element per
/// metadata key. XML is the answer whenever <c>Accept</c> does not ask for JSON.
/// </summary>
internal sealed class EurekaXmlWriter : IEurekaWriter
{
    public static readonly EurekaXmlWriter Default = new();

    private static readonly XmlWriterSettings Settings = new()
    {
        Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        OmitXmlDeclaration = true,
        Indent = false,
    };

    public string ContentType => "application/xml";

    public byte[] Applications(IReadOnlyList<EurekaApplication> applications, string versionsDelta, string appsHashCode) => Write(w =>
    {
        w.WriteStartElement("applications");
        w.WriteElementString("versions__delta", versionsDelta);
        w.WriteElementString("apps__hashcode", appsHashCode);
        foreach (var application in applications)
        {
            WriteApplication(w, application);
        }

        w.WriteEndElement();
    });

    public byte[] Application(EurekaApplication application) => Write(w => WriteApplication(w, application));

    public byte[] Instance(EurekaInstanceView instance) => Write(w => WriteInstance(w, instance));

    private static void WriteApplication(XmlWriter w, EurekaApplication application)
    {
        w.WriteStartElement("application");
        w.WriteElementString("name", application.Name);
        foreach (var instance in application.Instances)
        {
            WriteInstance(w, instance);
        }

        w.WriteEndElement();
    }

    private static void WriteInstance(XmlWriter w, EurekaInstanceView i)
    {
        w.WriteStartElement("instance");
        w.WriteElementString("instanceId", i.InstanceId);
        w.WriteElementString("hostName", i.HostName);
        w.WriteElementString("app", i.App);
        w.WriteElementString("ipAddr", i.IpAddr);
        w.WriteElementString("status", i.Status);
        w.WriteElementString("overriddenstatus", i.OverriddenStatus);
        WritePort(w, "port", i.Port, i.PortEnabled);
        WritePort(w, "securePort", i.SecurePort, i.SecurePortEnabled);
        w.WriteElementString("countryId", Number(i.CountryId));

        w.WriteStartElement("dataCenterInfo");
        w.WriteAttributeString("class", i.DataCenterClass);
        w.WriteElementString("name", i.DataCenterName);
        if (i.DataCenterMetadataJson is { } json)
        {
            w.WriteStartElement("metadata");
            using var document = JsonDocument.Parse(json);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                w.WriteElementString(XmlConvert.EncodeLocalName(property.Name), property.Value.ToString());
            }

            w.WriteEndElement();
        }

        w.WriteEndElement();

        w.WriteStartElement("leaseInfo");
        w.WriteElementString("renewalIntervalInSecs", Number(i.RenewalIntervalInSecs));
        w.WriteElementString("durationInSecs", Number(i.DurationInSecs));
        w.WriteElementString("registrationTimestamp", Number(i.RegistrationTimestamp));
        w.WriteElementString("lastRenewalTimestamp", Number(i.LastUpdatedTimestamp));
        w.WriteElementString("evictionTimestamp", "0");
        w.WriteElementString("serviceUpTimestamp", Number(i.RegistrationTimestamp));
        w.WriteEndElement();

        w.WriteStartElement("metadata");
        var any = false;
        foreach (var (key, value) in i.Metadata())
        {
            w.WriteElementString(XmlConvert.EncodeLocalName(key), value);
            any = true;
        }

        if (!any)
        {
            w.WriteAttributeString("class", "java.util.Collections$EmptyMap");
        }

        w.WriteEndElement();

        WriteOptional(w, "appGroupName", i.AppGroupName);
        WriteOptional(w, "homePageUrl", i.HomePageUrl);
        WriteOptional(w, "statusPageUrl", i.StatusPageUrl);
        WriteOptional(w, "healthCheckUrl", i.HealthCheckUrl);
        WriteOptional(w, "secureHealthCheckUrl", i.SecureHealthCheckUrl);
        WriteOptional(w, "vipAddress", i.VipAddress);
        WriteOptional(w, "secureVipAddress", i.SecureVipAddress);
        w.WriteElementString("isCoordinatingDiscoveryServer", "false");
        w.WriteElementString("lastUpdatedTimestamp", Number(i.LastUpdatedTimestamp));
        w.WriteElementString("lastDirtyTimestamp", Number(i.LastDirtyTimestamp));
        w.WriteElementString("actionType", i.ActionType);
        WriteOptional(w, "asgName", i.AsgName);
        w.WriteEndElement();
    }

    private static void WritePort(XmlWriter w, string name, int port, bool enabled)
    {
        w.WriteStartElement(name);
        w.WriteAttributeString("enabled", enabled ? "true" : "false");
        w.WriteString(Number(port));
        w.WriteEndElement();
    }

    private static void WriteOptional(XmlWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WriteElementString(name, value);
        }
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static byte[] Write(Action<XmlWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = XmlWriter.Create(stream, Settings))
        {
            write(writer);
        }

        return stream.ToArray();
    }
}
