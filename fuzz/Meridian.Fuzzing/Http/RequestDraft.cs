using System.Security;
using System.Text;
using System.Text.Json.Nodes;

namespace Meridian.Fuzzing.Http;

/// <summary>
/// A request being built: starts as the endpoint's valid request and is mutated in place, then turned into bytes by
/// <see cref="Build"/>. Values flagged raw go on the wire as they are (already percent-encoded, or unescaped XML).
/// </summary>
internal sealed class RequestDraft
{
    /// <summary>Where in the JSON text a raw token replaces a placeholder string.</summary>
    private readonly Dictionary<string, byte[]> _splices = new(StringComparer.Ordinal);

    public RequestDraft(FuzzEndpoint endpoint, Random random)
    {
        Endpoint = endpoint;
        Method = endpoint.Method;
        foreach (var part in endpoint.Path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var parameter = part.StartsWith('{') ? endpoint.Parameters.FirstOrDefault(p => p.Place == ParameterPlace.Path && $"{{{p.Name}}}" == part.Replace(":long", "", StringComparison.Ordinal)) : null;
            Path.Add(parameter is null ? new Field(part, part, Raw: true) : new Field(parameter.Name, parameter.Valid, Raw: false));
        }

        foreach (var parameter in endpoint.Parameters)
        {
            switch (parameter.Place)
            {
                case ParameterPlace.Query:
                    Query.Add(new Field(parameter.Name, parameter.Valid, false));
                    break;
                case ParameterPlace.Form:
                    // Nacos reads the query and the form alike; clients use both.
                    (random.Next(4) == 0 ? Query : Form).Add(new Field(parameter.Name, parameter.Valid, false));
                    break;
                case ParameterPlace.Header:
                    Headers.Add(new Field(parameter.Name, parameter.Valid, false));
                    break;
            }
        }

        switch (endpoint.Body)
        {
            case BodyKind.Json:
                Json = endpoint.JsonBody?.Invoke();
                ContentType = "application/json";
                break;
            case BodyKind.Form:
                ContentType = "application/x-www-form-urlencoded";
                break;
            case BodyKind.EurekaInstance:
                if (random.Next(2) == 0)
                {
                    Json = EurekaBodies.Json();
                    ContentType = "application/json";
                }
                else
                {
                    Xml = EurekaBodies.XmlFields();
                    ContentType = "application/xml";
                }

                break;
            case BodyKind.Grpc:
                Body = GrpcFrames.Valid(random);
                ContentType = "application/grpc";
                break;
        }
    }

    public FuzzEndpoint Endpoint { get; }
    public string Method { get; set; }
    public List<Field> Path { get; } = [];
    public List<Field> Query { get; } = [];
    public List<Field> Form { get; } = [];
    public List<Field> Headers { get; } = [];
    public JsonNode? Json { get; set; }

    /// <summary>A Eureka XML registration as element name and text (raw: put in without escaping).</summary>
    public List<Field>? Xml { get; set; }

    /// <summary>A body that replaces whatever the fields would make.</summary>
    public byte[]? Body { get; set; }

    public string? ContentType { get; set; }
    public List<Func<byte[], byte[]>> BodyEdits { get; } = [];
    public AuthMode Auth { get; set; } = AuthMode.Admin;
    public string? GarbageAuthorization { get; set; }
    public List<MutationClass> Classes { get; } = [];
    public List<string> Notes { get; } = [];
    public byte[]? RawWire { get; set; }

    /// <summary>A 5xx the HTTP layer rightly answers this request with (505 for an HTTP version it does not speak).</summary>
    public int? ExpectedServerError { get; set; }

    /// <summary>A placeholder string to put in the JSON tree; the bytes replace it, quotes included, when the body is written.</summary>
    public JsonNode Splice(byte[] raw)
    {
        var marker = $"@@FUZZ{_splices.Count}@@";
        _splices[$"\"{marker}\""] = raw;
        return JsonValue.Create(marker)!;
    }

    /// <summary>Adds a property whose name and value are raw JSON text (for a duplicate key, which JsonObject cannot hold).</summary>
    public void SpliceProperty(JsonObject target, string rawNameAndValue)
    {
        var marker = $"@@DUP{_splices.Count}@@";
        target[marker] = 0;
        _splices[$"\"{marker}\":0"] = Encoding.UTF8.GetBytes(rawNameAndValue);
    }

    public FuzzRequest Build(int index)
    {
        var target = new StringBuilder();
        foreach (var segment in Path)
        {
            target.Append('/').Append(segment.Raw ? segment.Value : Uri.EscapeDataString(segment.Value));
        }

        if (target.Length == 0)
        {
            target.Append('/');
        }

        if (Query.Count > 0)
        {
            target.Append('?').Append(Encode(Query));
        }

        var body = Body ?? BodyFromFields();
        foreach (var edit in BodyEdits)
        {
            body = edit(body ?? []);
        }

        return new FuzzRequest
        {
            Index = index,
            Family = Endpoint.Family,
            Endpoint = Endpoint.ToString(),
            Method = Method,
            Target = target.ToString(),
            Headers = [.. Headers.Select(h => new KeyValuePair<string, string>(h.Name, h.Value))],
            ContentType = ContentType,
            Body = body,
            Auth = Auth,
            GarbageAuthorization = GarbageAuthorization,
            Classes = Classes.Count == 0 ? [MutationClass.None] : [.. Classes.Distinct()],
            Notes = [.. Notes],
            RawWire = RawWire,
            ExpectedServerError = ExpectedServerError,
            LongPoll = Endpoint.LongPoll,
            Http2 = Endpoint.Body == BodyKind.Grpc,
        };
    }

    private byte[]? BodyFromFields()
    {
        if (Json is not null)
        {
            var bytes = Encoding.UTF8.GetBytes(Json.ToJsonString());
            foreach (var (marker, raw) in _splices)
            {
                bytes = Replace(bytes, Encoding.UTF8.GetBytes(marker), raw);
            }

            return bytes;
        }

        if (Xml is not null)
        {
            return EurekaBodies.Xml(Xml);
        }

        return Form.Count > 0 || Endpoint.Body == BodyKind.Form ? Encoding.UTF8.GetBytes(Encode(Form)) : null;
    }

    private static string Encode(List<Field> fields) =>
        string.Join('&', fields.Select(f => f.Raw ? $"{Uri.EscapeDataString(f.Name)}={f.Value}" : $"{Uri.EscapeDataString(f.Name)}={Uri.EscapeDataString(f.Value)}"));

    private static byte[] Replace(byte[] text, byte[] marker, byte[] raw)
    {
        var at = text.AsSpan().IndexOf(marker);
        return at < 0 ? text : [.. text.AsSpan(0, at), .. raw, .. text.AsSpan(at + marker.Length)];
    }
}

/// <summary>A name and its value; a raw value is already in wire form.</summary>
internal sealed record Field(string Name, string Value, bool Raw);

/// <summary>Eureka registrations as the Java client writes them, in JSON and in XML.</summary>
internal static class EurekaBodies
{
    public static JsonNode Json() => JsonNode.Parse("""
        {"instance":{"instanceId":"fuzz-1","hostName":"127.0.0.1","app":"FUZZAPP","ipAddr":"127.0.0.1",
        "status":"UP","port":{"$":9,"@enabled":"true"},"securePort":{"$":443,"@enabled":"false"},"countryId":1,
        "dataCenterInfo":{"@class":"com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo","name":"MyOwn"},
        "leaseInfo":{"renewalIntervalInSecs":30,"durationInSecs":90},"metadata":{"zone":"a"},"vipAddress":"fuzz-vip",
        "secureVipAddress":"fuzz-vip","homePageUrl":"http://127.0.0.1:9/","lastDirtyTimestamp":"1700000000000"}}
        """)!;

    public static List<Field> XmlFields() =>
    [
        new("instanceId", ValidValues.EurekaInstance, false),
        new("hostName", "127.0.0.1", false),
        new("app", ValidValues.EurekaApp, false),
        new("ipAddr", "127.0.0.1", false),
        new("status", "UP", false),
        new("port", "9", false),
        new("securePort", "443", false),
        new("countryId", "1", false),
        new("vipAddress", "fuzz-vip", false),
        new("lastDirtyTimestamp", "1700000000000", false),
        new("metadata", "<zone>a</zone>", true),
        new("dataCenterInfo", "<name>MyOwn</name>", true),
        new("leaseInfo", "<renewalIntervalInSecs>30</renewalIntervalInSecs><durationInSecs>90</durationInSecs>", true),
    ];

    public static byte[] Xml(List<Field> fields)
    {
        var text = new StringBuilder("<instance>");
        foreach (var field in fields)
        {
            var attributes = field.Name switch
            {
                "port" => " enabled=\"true\"",
                "securePort" => " enabled=\"false\"",
                "dataCenterInfo" => " class=\"com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo\"",
                _ => "",
            };
            text.Append('<').Append(field.Name).Append(attributes).Append('>')
                .Append(field.Raw ? field.Value : SecurityElement.Escape(field.Value))
                .Append("</").Append(field.Name).Append('>');
        }

        return Encoding.UTF8.GetBytes(text.Append("</instance>").ToString());
    }
}

/// <summary>gRPC length-prefixed frames: flag byte, 4-byte big-endian length, message.</summary>
internal static class GrpcFrames
{
    /// <summary>A well-framed message whose bytes are a hello of sorts, or random.</summary>
    public static byte[] Valid(Random random)
    {
        var message = new byte[random.Next(0, 64)];
        random.NextBytes(message);
        return Frame(0, message, message.Length);
    }

    public static byte[] Frame(byte flag, byte[] message, int declaredLength) =>
        [flag, (byte)(declaredLength >> 24), (byte)(declaredLength >> 16), (byte)(declaredLength >> 8), (byte)declaredLength, .. message];
}
