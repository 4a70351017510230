using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace Meridian.Protocols.Eureka.Wire;

/// <summary>
/// Reads an XML registration (<c>&lt;instance&gt;</c>, as the Java client's XStream codec writes it): ports carry
/// <c>enabled</c> attributes, <c>dataCenterInfo</c> a <c>class</c> attribute, and metadata one element per key.
/// </summary>
internal static class EurekaXmlReader
{
    public static EurekaInstanceInput Read(XElement instance)
    {
        if (instance.Name.LocalName != "instance")
        {
            throw new FormatException($"The XML root must be <instance>; got <{instance.Name.LocalName}>.");
        }

        var (port, portEnabled) = Port(instance.Element("port"), defaultEnabled: true);
        var (securePort, securePortEnabled) = Port(instance.Element("securePort"), defaultEnabled: false);
        var dataCenter = instance.Element("dataCenterInfo");
        var lease = instance.Element("leaseInfo");
        return new EurekaInstanceInput
        {
            InstanceId = Text(instance, "instanceId"),
            HostName = Text(instance, "hostName"),
            App = Text(instance, "app"),
            IpAddr = Text(instance, "ipAddr"),
            Status = Text(instance, "status"),
            Port = port,
            PortEnabled = portEnabled,
            SecurePort = securePort,
            SecurePortEnabled = securePortEnabled,
            CountryId = Int(Text(instance, "countryId")),
            HasDataCenterInfo = dataCenter is not null,
            DataCenterName = dataCenter is null ? null : Text(dataCenter, "name"),
            DataCenterClass = (string?)dataCenter?.Attribute("class"),
            DataCenterMetadata = Map(dataCenter?.Element("metadata")),
            RenewalIntervalInSecs = lease is null ? null : Int(Text(lease, "renewalIntervalInSecs")),
            DurationInSecs = lease is null ? null : Int(Text(lease, "durationInSecs")),
            Metadata = Map(instance.Element("metadata")),
            HomePageUrl = Text(instance, "homePageUrl"),
            StatusPageUrl = Text(instance, "statusPageUrl"),
            HealthCheckUrl = Text(instance, "healthCheckUrl"),
            SecureHealthCheckUrl = Text(instance, "secureHealthCheckUrl"),
            VipAddress = Text(instance, "vipAddress"),
            SecureVipAddress = Text(instance, "secureVipAddress"),
            AppGroupName = Text(instance, "appGroupName"),
            AsgName = Text(instance, "asgName"),
            LastDirtyTimestamp = long.TryParse(Text(instance, "lastDirtyTimestamp"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var dirty) ? dirty : null,
        };
    }

    /// <summary>
    /// Parses the document, its root required. XmlReader throws ArgumentException (not XmlException) for some
    /// declarations it cannot switch encoding on (an encoding name with bytes that are not UTF-8); that is the
    /// document's fault and is reported as a malformed document like any other.
    /// </summary>
    public static async Task<XElement> LoadAsync(Stream body, CancellationToken cancellationToken)
    {
        try
        {
            using var reader = XmlReader.Create(body, Settings);
            var document = await XDocument.LoadAsync(reader, LoadOptions.None, cancellationToken);
            return document.Root ?? throw new FormatException("The XML document is empty.");
        }
        catch (ArgumentException e)
        {
            throw new XmlException($"The XML declaration cannot be read: {e.Message}", e);
        }
    }

    public static XmlReaderSettings Settings { get; } = new()
    {
        Async = true,
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
    };

    private static string? Text(XElement parent, string name) => parent.Element(name)?.Value.Trim();

    private static int? Int(string? text) => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;

    private static (int? Port, bool Enabled) Port(XElement? element, bool defaultEnabled)
    {
        if (element is null)
        {
            return (null, defaultEnabled);
        }

        var enabled = (string?)element.Attribute("enabled") is { } flag ? string.Equals(flag.Trim(), "true", StringComparison.OrdinalIgnoreCase) : defaultEnabled;
        return (Int(element.Value.Trim()), enabled);
    }

    private static Dictionary<string, string>? Map(XElement? element)
    {
        if (element is null)
        {
            return null;
        }

        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var child in element.Elements())
        {
            map[XmlConvert.DecodeName(child.Name.LocalName)] = child.Value;
        }

        return map;
    }
}
