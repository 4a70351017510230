using System.Text;
using System.Text.Json;
using System.Xml;
using Meridian.Config;
using Meridian.Config.Formats;
using Meridian.Protocols.Eureka.Wire;
using Meridian.Protocols.Nacos.Config;
using Meridian.Protocols.Nacos.Http;
using Meridian.Protocols.Nacos.Naming;

namespace Meridian.Fuzzing.Parsers;

/// <summary>
/// One parser as the server calls it, on bytes from the wire. It answers null for input it takes, or the reason it
/// refuses the input when it refuses by returning (the content checks); <see cref="Rejects"/> says which exceptions are
/// its documented refusal (what the endpoint turns into a 400). Any other exception is a finding.
/// </summary>
public sealed class ParserTarget(string name, string description, Func<byte[], string?> run, Func<Exception, bool> rejects, IReadOnlyList<string> seeds, IReadOnlyList<string> dictionary)
{
    public string Name { get; } = name;
    public string Description { get; } = description;
    public IReadOnlyList<string> Seeds { get; } = seeds;

    /// <summary>Tokens the mutator splices in (the grammar's delimiters and keywords), as libFuzzer dictionaries do.</summary>
    public IReadOnlyList<string> Dictionary { get; } = dictionary;

    public string? Run(byte[] input) => run(input);

    public bool Rejects(Exception exception) => rejects(exception);
}

/// <summary>The parsers that read what clients send: Nacos long-poll keys, metadata and beats; Eureka registrations; typed config content.</summary>
public static class ParserTargets
{
    private static readonly UTF8Encoding Lenient = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    public static IReadOnlyList<ParserTarget> All { get; } =
    [
        new("nacos-listening-configs", "Nacos Listening-Configs (dataId^2group^2md5[^2tenant]^1...), as the long-poll listener reads it",
            input => NacosListeningConfigs.Parse(Lenient.GetString(input), 10_000).Count == 0 ? "no entries" : null,
            e => e is NacosException,
            ["fuzz.properties\u0002DEFAULT_GROUP\u0002\u0001", "a\u0002b\u0002d41d8cd98f00b204e9800998ecf8427e\u0002tenant\u0001c\u0002d\u0002\u0001", "a%02b%02c%01"],
            ["\u0001", "\u0002", "%01", "%02", "%", "+", "%zz", "%u0001", "DEFAULT_GROUP", "public"]),
        new("nacos-metadata", "Nacos instance/service metadata: a JSON object or k=v,k2=v2",
            input => NacosMetadata.Parse(Lenient.GetString(input)) is null ? "blank" : null,
            e => e is NacosException,
            ["{\"k\":\"v\",\"n\":1}", "a=b,c=d", "{\"k\":{\"nested\":[1,2]}}"],
            ["{", "}", "[", "]", "\"", ":", ",", "=", "\\ud800", "\\u0000", "null", "1e400"]),
        new("nacos-beat", "Nacos beat JSON (serviceName, ip, port, cluster, metadata)",
            input => NacosBeat.Parse(Lenient.GetString(input)) is null ? "blank" : null,
            e => e is NacosException,
            ["{\"serviceName\":\"DEFAULT_GROUP@@svc\",\"ip\":\"10.0.0.1\",\"port\":8080,\"cluster\":\"DEFAULT\",\"metadata\":{\"k\":\"v\"},\"scheduled\":true}"],
            ["{", "}", "\"", ":", ",", "1e400", "-1", "\"port\"", "\"ip\"", "\\ud800", "9223372036854775808", "null", "[]"]),
        new("eureka-json", "Eureka JSON registration ({\"instance\":{...}}), as POST /eureka/apps/{app} reads it",
            input =>
            {
                using var json = JsonDocument.Parse(input);
                EurekaJsonReader.Read(json.RootElement);
                return null;
            },
            e => e is JsonException or FormatException or InvalidOperationException,
            [
                "{\"instance\":{\"instanceId\":\"i-1\",\"hostName\":\"h\",\"app\":\"APP\",\"ipAddr\":\"10.0.0.1\",\"status\":\"UP\",\"port\":{\"$\":8080,\"@enabled\":\"true\"},\"securePort\":{\"$\":443,\"@enabled\":\"false\"},\"dataCenterInfo\":{\"@class\":\"com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo\",\"name\":\"MyOwn\",\"metadata\":{\"a\":\"b\"}},\"leaseInfo\":{\"renewalIntervalInSecs\":30,\"durationInSecs\":90},\"metadata\":{\"@class\":\"java.util.Collections$EmptyMap\",\"zone\":\"a\"},\"lastDirtyTimestamp\":\"1700000000000\",\"countryId\":1}}",
                "{\"app\":\"APP\",\"port\":8080}",
            ],
            ["{", "}", "[", "]", "\"$\"", "\"@enabled\"", "\"@class\"", "null", "true", "1e400", "9223372036854775808", "\\ud800", "\"instance\"", "\"port\"", "\"metadata\""]),
        new("eureka-xml", "Eureka XML registration (<instance>...), as POST /eureka/apps/{app} reads it",
            input =>
            {
                using var stream = new MemoryStream(input);
                EurekaXmlReader.Read(EurekaXmlReader.LoadAsync(stream, CancellationToken.None).GetAwaiter().GetResult());
                return null;
            },
            e => e is XmlException or FormatException or InvalidOperationException,
            [
                "<instance><instanceId>i-1</instanceId><hostName>h</hostName><app>APP</app><ipAddr>10.0.0.1</ipAddr><status>UP</status><port enabled=\"true\">8080</port><securePort enabled=\"false\">443</securePort><countryId>1</countryId><dataCenterInfo class=\"com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo\"><name>MyOwn</name></dataCenterInfo><leaseInfo><renewalIntervalInSecs>30</renewalIntervalInSecs><durationInSecs>90</durationInSecs></leaseInfo><metadata><zone>a</zone><_x0031_key>v</_x0031_key></metadata><lastDirtyTimestamp>1700000000000</lastDirtyTimestamp></instance>",
            ],
            ["<", ">", "</", "/>", "&amp;", "&#0;", "&#xD800;", "<!DOCTYPE x [<!ENTITY a \"b\">]>", "&a;", "<![CDATA[", "]]>", "_x", "_xD800_", "_x0000_", "<?xml version=\"1.0\" encoding=\"utf-16\"?>", "enabled=\""]),
        Content("config-json", ConfigType.Json, ["{\"a\":[1,2,{\"b\":null}],\"c\":\"d\"}"], ["{", "}", "[", "]", "\"", ":", ",", "1e400", "\\u", "/*", "//"]),
        Content("config-yaml", ConfigType.Yaml, ["a: 1\nb:\n  - x\n  - y\nc: {d: e, f: [g]}\n", "anchors: &a {x: 1}\nref: *a\n---\nsecond: doc\n", "s: |\n  literal\n  text\n"],
            [":", "- ", "{", "}", "[", "]", "&a", "*a", "<<: *a", "!!binary", "!!python/object", "---", "...", "%YAML 1.2", "%TAG", "? ", "|", ">", "'", "\"", "\t", "#"]),
        Content("config-properties", ConfigType.Properties, ["a=b\nc: d\n# comment\n! other\nlong = one \\\n  two\nu=\\u0041\\t\n"], ["=", ":", "\\", "\\u", "\\u00", "\\\n", "#", "!", "\r", "\f"]),
        Content("config-xml", ConfigType.Xml, ["<?xml version=\"1.0\"?><config><a x=\"1\">b</a><![CDATA[c]]></config>"], ["<", ">", "</", "<!DOCTYPE a [<!ENTITY e \"x\">]>", "&e;", "&#0;", "<![CDATA[", "]]>", "<?pi?>", "<!--", "-->"]),
        Content("config-toml", ConfigType.Toml, ["title = \"x\"\n[server]\nport = 8080\nhosts = [\"a\", \"b\"]\n[[items]]\nname = \"i\"\ndate = 1979-05-27T07:32:00Z\n"],
            ["=", "[", "]", "[[", "]]", "\"", "'''", "\"\"\"", "{", "}", ",", ".", "inf", "nan", "0x", "1979-05-27", "\\u", "#"]),
    ];

    public static ParserTarget? Find(string name) => All.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Publish-time content checks answer null or a <see cref="ContentError"/>; they document no exception at all.</summary>
    private static ParserTarget Content(string name, ConfigType type, IReadOnlyList<string> seeds, IReadOnlyList<string> dictionary) =>
        new(name, $"the {ConfigTypes.Name(type)} content check at config publish", input => ContentCheck.Find(type, Lenient.GetString(input))?.Reason, _ => false, seeds, dictionary);
}
