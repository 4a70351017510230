using System.Text;
using System.Text.Json.Nodes;

namespace Meridian.Fuzzing.Http;

/// <summary>
/// Turns an endpoint's valid request into a malformed one: one to three mutations, each of a <see cref="MutationClass"/>,
/// aimed at a path segment, a query or form field, a header, a JSON node, an XML element, the body as a whole, the
/// credential, or the HTTP framing itself. Everything comes from the <see cref="Random"/> it is given.
/// </summary>
internal static class Mutator
{
    private static readonly MutationClass[] ValueClasses =
    [
        MutationClass.WrongType, MutationClass.HugeString, MutationClass.Unicode, MutationClass.InvalidUtf8, MutationClass.OverflowingNumber,
        MutationClass.SpecialText, MutationClass.DeepNesting,
    ];

    private static readonly string[] Methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "TRACE", "FOO", "get"];

    public static FuzzRequest Generate(FuzzEndpoint endpoint, int index, Random random)
    {
        var draft = new RequestDraft(endpoint, random);
        Credentials(draft, random);
        // A few requests stay valid, so the state the others run into keeps changing (registrations, publishes, deletes).
        if (random.Next(25) != 0)
        {
            var count = random.Next(10) switch
            {
                < 6 => 1,
                < 9 => 2,
                _ => 3,
            };
            for (var i = 0; i < count; i++)
            {
                Apply(draft, Pick(draft, random), random);
            }
        }

        return draft.Build(index);
    }

    private static void Credentials(RequestDraft draft, Random random)
    {
        var roll = random.Next(100);
        if (roll < 85)
        {
            return;
        }

        draft.Classes.Add(MutationClass.BadCredentials);
        if (roll < 92)
        {
            draft.Auth = AuthMode.Anonymous;
            return;
        }

        if (roll < 95)
        {
            draft.Auth = AuthMode.TamperedAdmin;
            return;
        }

        draft.Auth = AuthMode.Garbage;
        draft.GarbageAuthorization = random.Next(8) switch
        {
            0 => "Bearer",
            1 => "Bearer " + new string('e', 300 + random.Next(20_000)),
            2 => "Bearer mrd_" + Convert.ToHexString(Bytes(random, 16)),
            3 => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:wrong")),
            4 => "Bearer eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJhZG1pbiIsImFkbWluIjp0cnVlfQ.",
            5 => "Bearer a.b.c",
            6 => "Bearer eyJhbGciOiJIUzI1NiJ9." + Convert.ToBase64String(Bytes(random, 40)) + ".",
            _ => "Negotiate " + Convert.ToBase64String(Bytes(random, 24)),
        };
    }

    private static MutationClass Pick(RequestDraft draft, Random random)
    {
        var roll = random.Next(100);
        return roll switch
        {
            < 50 => ValueClasses[random.Next(ValueClasses.Length)],
            < 56 => MutationClass.DuplicateKeys,
            < 62 => MutationClass.MissingParameter,
            < 68 => draft.Json is not null || draft.Xml is not null || draft.Form.Count > 0 || draft.Body is not null ? MutationClass.TruncatedBody : MutationClass.BadHeaders,
            < 73 => MutationClass.XmlEntities,
            < 83 => MutationClass.BadHeaders,
            < 89 => MutationClass.BadPath,
            < 93 => MutationClass.BadMethod,
            _ => draft.Endpoint.Body == BodyKind.Grpc ? MutationClass.TruncatedBody : MutationClass.BadFraming,
        };
    }

    private static void Apply(RequestDraft draft, MutationClass mutation, Random random)
    {
        draft.Classes.Add(mutation);
        switch (mutation)
        {
            case MutationClass.DuplicateKeys:
                Duplicate(draft, random);
                break;
            case MutationClass.MissingParameter:
                Remove(draft, random);
                break;
            case MutationClass.TruncatedBody:
                Truncate(draft, random);
                break;
            case MutationClass.XmlEntities:
                XmlEntities(draft, random);
                break;
            case MutationClass.BadHeaders:
                BadHeaders(draft, random);
                break;
            case MutationClass.BadPath:
                BadPath(draft, random);
                break;
            case MutationClass.BadMethod:
                var method = NastyValues.Pick(random, Methods);
                draft.Notes.Add($"method {draft.Method} -> {method}");
                draft.Method = method;
                break;
            case MutationClass.BadFraming:
                draft.RawWire = RawFraming.Build(draft, random);
                break;
            case MutationClass.DeepNesting when random.Next(2) == 0 && TypedContent(draft, random):
                break;
            default:
                Value(draft, mutation, random);
                break;
        }
    }

    /// <summary>Config content of a parsed type (YAML, JSON, TOML, XML) nested far deeper than any config, where the endpoint takes content.</summary>
    private static bool TypedContent(RequestDraft draft, Random random)
    {
        var depth = NastyValues.Pick(random, [300, 5_000, 100_000]);
        var (type, content) = random.Next(5) switch
        {
            0 => ("yaml", new string('[', depth)),
            1 => ("yaml", string.Concat(Enumerable.Repeat("- ", depth))),
            2 => ("toml", "a = " + new string('[', depth)),
            3 => ("json", new string('[', depth) + new string(']', depth)),
            _ => ("xml", string.Concat(Enumerable.Repeat("<a>", depth)) + string.Concat(Enumerable.Repeat("</a>", depth))),
        };
        var index = draft.Form.FindIndex(f => f.Name == "content");
        if (index >= 0)
        {
            draft.Form[index] = draft.Form[index] with { Value = content, Raw = false };
            draft.Form.RemoveAll(f => f.Name == "type");
            draft.Form.Add(new Field("type", type, false));
        }
        else if (draft.Json is JsonObject json && json.ContainsKey("content"))
        {
            json["content"] = content;
            json["type"] = type;
        }
        else
        {
            return false;
        }

        draft.Notes.Add($"{type} content {depth} levels deep");
        return true;
    }

    /// <summary>Puts one bad value in one place: a JSON node, a field, a path segment, a header or an XML element.</summary>
    private static void Value(RequestDraft draft, MutationClass mutation, Random random)
    {
        if (draft.Endpoint.Body == BodyKind.Grpc)
        {
            draft.Body = GrpcBody(random);
            draft.Notes.Add("grpc frames");
            return;
        }

        var places = new List<string>();
        if (draft.Json is not null)
        {
            places.Add("json");
            places.Add("json");
        }

        if (draft.Xml is not null)
        {
            places.Add("xml");
        }

        if (draft.Query.Count > 0)
        {
            places.Add("query");
        }

        if (draft.Form.Count > 0)
        {
            places.Add("form");
            places.Add("form");
        }

        if (draft.Path.Any(p => !p.Raw))
        {
            places.Add("path");
        }

        if (draft.Headers.Count > 0)
        {
            places.Add("header");
        }

        if (places.Count == 0)
        {
            places.Add("query-new");
        }

        switch (NastyValues.Pick(random, places))
        {
            case "json":
                MutateJson(draft, mutation, random);
                break;
            case "xml":
                var xml = draft.Xml!;
                var at = random.Next(xml.Count);
                var (text, raw) = TextValue(mutation, random, forXml: true);
                draft.Notes.Add($"xml <{xml[at].Name}> = {Short(text)}");
                xml[at] = xml[at] with { Value = text, Raw = raw };
                break;
            case "query":
                SetField(draft.Query, "query", draft, mutation, random);
                break;
            case "form":
                SetField(draft.Form, "form", draft, mutation, random);
                break;
            case "path":
                var parameters = draft.Path.Select((p, i) => (p, i)).Where(x => !x.p.Raw).ToList();
                var (segment, index) = NastyValues.Pick(random, parameters);
                var (value, rawValue) = TextValue(mutation, random, forXml: false);
                draft.Notes.Add($"path {{{segment.Name}}} = {Short(value)}");
                draft.Path[index] = segment with { Value = value, Raw = rawValue };
                break;
            case "header":
                var h = random.Next(draft.Headers.Count);
                var (headerValue, _) = TextValue(mutation, random, forXml: false);
                headerValue = HeaderSafe(headerValue);
                draft.Notes.Add($"header {draft.Headers[h].Name} = {Short(headerValue)}");
                draft.Headers[h] = draft.Headers[h] with { Value = headerValue };
                break;
            default:
                var (extra, extraRaw) = TextValue(mutation, random, forXml: false);
                draft.Query.Add(new Field("x", extra, extraRaw));
                draft.Notes.Add($"query x = {Short(extra)}");
                break;
        }
    }

    private static void SetField(List<Field> fields, string where, RequestDraft draft, MutationClass mutation, Random random)
    {
        var at = random.Next(fields.Count);
        var (value, raw) = TextValue(mutation, random, forXml: false);
        if (mutation == MutationClass.DeepNesting && fields[at].Name is not ("metadata" or "beat" or "Listening-Configs" or "content"))
        {
            // Nesting matters where the value is parsed further; aim at a field that is.
            var nested = fields.FindIndex(f => f.Name is "metadata" or "beat" or "content");
            at = nested >= 0 ? nested : at;
        }

        draft.Notes.Add($"{where} {fields[at].Name} = {Short(value)}");
        fields[at] = fields[at] with { Value = value, Raw = raw };
    }

    /// <summary>A text value of the class, and whether it is already in wire form (percent-encoded, or unescaped XML).</summary>
    private static (string Value, bool Raw) TextValue(MutationClass mutation, Random random, bool forXml) => mutation switch
    {
        MutationClass.WrongType => (NastyValues.WrongType(random), false),
        MutationClass.HugeString => (NastyValues.Huge(random), false),
        MutationClass.Unicode => (NastyValues.UnicodeText(random), false),
        MutationClass.InvalidUtf8 => forXml ? ("\uFFFE\uD800", false) : ("fuzz" + NastyValues.InvalidUtf8Escape(random), true),
        MutationClass.OverflowingNumber => (NastyValues.Overflow(random), false),
        MutationClass.DeepNesting => forXml ? (DeepXml(NastyValues.Depth(random)), true) : (NastyValues.DeepJson(random, NastyValues.Depth(random)), false),
        _ => forXml && random.Next(3) == 0 ? (NastyValues.Pick(random, ["<", "&", "&amp", "&#0;", "&#xD800;", "]]>", "<![CDATA[x", "&unknown;", "</instance>"]), true) : (NastyValues.SpecialText(random), false),
    };

    private static void MutateJson(RequestDraft draft, MutationClass mutation, Random random)
    {
        var nodes = Nodes(draft.Json!).ToList();
        var (parent, key, node) = NastyValues.Pick(random, nodes);
        var replacement = mutation switch
        {
            MutationClass.WrongType => Raw(draft, NastyValues.WrongJsonToken(random)),
            MutationClass.HugeString => JsonValue.Create(NastyValues.Huge(random)),
            MutationClass.Unicode => random.Next(3) == 0 ? Raw(draft, NastyValues.StrangeJsonString(random)) : JsonValue.Create(NastyValues.UnicodeText(random).Replace("\ud83d", "\ud83d\ude00", StringComparison.Ordinal)),
            MutationClass.InvalidUtf8 => draft.Splice([(byte)'"', (byte)'f', .. NastyValues.InvalidUtf8(random), (byte)'"']),
            MutationClass.OverflowingNumber => Raw(draft, NastyValues.OverflowJsonToken(random)),
            MutationClass.DeepNesting => Raw(draft, NastyValues.DeepJson(random, NastyValues.Depth(random))),
            _ => JsonValue.Create(NastyValues.SpecialText(random)),
        };
        draft.Notes.Add($"json {key ?? "$"} = {mutation}");
        if (parent is null)
        {
            draft.Json = replacement;
        }
        else if (parent is JsonObject obj)
        {
            obj[key!] = replacement;
        }
        else if (parent is JsonArray array)
        {
            array[int.Parse(key!, System.Globalization.CultureInfo.InvariantCulture)] = replacement;
        }

        _ = node;
    }

    private static JsonNode Raw(RequestDraft draft, string json) => draft.Splice(Encoding.UTF8.GetBytes(json));

    /// <summary>Every node with its parent and its key (property name, or index as text); the root has neither.</summary>
    private static IEnumerable<(JsonNode? Parent, string? Key, JsonNode? Node)> Nodes(JsonNode root)
    {
        yield return (null, null, root);
        var pending = new Stack<JsonNode>([root]);
        while (pending.Count > 0)
        {
            var current = pending.Pop();
            if (current is JsonObject obj)
            {
                foreach (var (name, child) in obj.ToList())
                {
                    yield return (obj, name, child);
                    if (child is not null)
                    {
                        pending.Push(child);
                    }
                }
            }
            else if (current is JsonArray array)
            {
                for (var i = 0; i < array.Count; i++)
                {
                    yield return (array, i.ToString(System.Globalization.CultureInfo.InvariantCulture), array[i]);
                    if (array[i] is { } child)
                    {
                        pending.Push(child);
                    }
                }
            }
        }
    }

    private static void Duplicate(RequestDraft draft, Random random)
    {
        var roll = random.Next(4);
        if (roll == 0 && draft.Json is not null)
        {
            var objects = Nodes(draft.Json).Select(n => n.Node).OfType<JsonObject>().Where(o => o.Count > 0).ToList();
            if (objects.Count > 0)
            {
                var target = NastyValues.Pick(random, objects);
                var name = target.ElementAt(random.Next(target.Count)).Key;
                draft.SpliceProperty(target, $"\"{name}\":{NastyValues.WrongJsonToken(random)}");
                draft.Notes.Add($"json key '{name}' twice");
                return;
            }
        }

        if (roll == 1 && draft.Headers.Count > 0)
        {
            var header = NastyValues.Pick(random, draft.Headers);
            draft.Headers.Add(header with { Value = NastyValues.Pick(random, ["", "true", "0", "x", "application/xml"]) });
            draft.Notes.Add($"header {header.Name} twice");
            return;
        }

        var fields = draft.Form.Count > 0 && (draft.Query.Count == 0 || random.Next(2) == 0) ? draft.Form : draft.Query;
        if (fields.Count == 0)
        {
            draft.Query.Add(new Field("a", "1", false));
            draft.Query.Add(new Field("a", "2", false));
            draft.Notes.Add("query a twice");
            return;
        }

        var field = NastyValues.Pick(random, fields);
        var copies = random.Next(5) == 0 ? 2_000 : 1;
        for (var i = 0; i < copies; i++)
        {
            fields.Add(field with { Value = random.Next(2) == 0 ? "" : NastyValues.WrongType(random), Raw = false });
        }

        draft.Notes.Add($"{(ReferenceEquals(fields, draft.Form) ? "form" : "query")} {field.Name} x{copies + 1}");
    }

    private static void Remove(RequestDraft draft, Random random)
    {
        var lists = new[] { draft.Query, draft.Form, draft.Headers }.Where(l => l.Count > 0).ToList();
        if (draft.Json is JsonObject json && json.Count > 0 && (lists.Count == 0 || random.Next(2) == 0))
        {
            var objects = Nodes(json).Select(n => n.Node).OfType<JsonObject>().Where(o => o.Count > 0).ToList();
            var target = NastyValues.Pick(random, objects);
            var name = target.ElementAt(random.Next(target.Count)).Key;
            target.Remove(name);
            draft.Notes.Add($"json '{name}' left out");
            return;
        }

        if (draft.Xml is { Count: > 0 } xml && random.Next(2) == 0)
        {
            var at = random.Next(xml.Count);
            draft.Notes.Add($"xml <{xml[at].Name}> left out");
            xml.RemoveAt(at);
            return;
        }

        if (lists.Count == 0)
        {
            draft.Body = [];
            draft.Notes.Add("empty body");
            return;
        }

        var list = NastyValues.Pick(random, lists);
        var index = random.Next(list.Count);
        draft.Notes.Add($"{list[index].Name} left out");
        list.RemoveAt(index);
    }

    private static void Truncate(RequestDraft draft, Random random)
    {
        if (draft.Endpoint.Body == BodyKind.Grpc)
        {
            var declared = random.Next(2) == 0 ? int.MaxValue : random.Next(5, 5_000_000);
            var frame = GrpcFrames.Frame((byte)random.Next(3), Bytes(random, random.Next(8)), declared);
            draft.Body = frame[..random.Next(1, frame.Length + 1)];
            draft.Notes.Add($"grpc frame declares {declared} bytes");
            return;
        }

        var keep = random.NextDouble();
        draft.BodyEdits.Add(body => body.Length <= 1 ? [] : body[..Math.Max(1, (int)(body.Length * keep))]);
        draft.Notes.Add($"body cut to {keep:P0}");
    }

    private static void XmlEntities(RequestDraft draft, Random random)
    {
        var bomb = XmlBombs.Pick(random);
        if (draft.Endpoint.Body == BodyKind.EurekaInstance)
        {
            draft.Json = null;
            draft.Xml = null;
            draft.Body = Encoding.UTF8.GetBytes(bomb);
            draft.ContentType = random.Next(4) == 0 ? "application/json" : "application/xml";
            draft.Notes.Add("eureka xml with a DTD");
            return;
        }

        // Configs of type xml are parsed at publish; put the DTD in the content.
        var content = draft.Form.FindIndex(f => f.Name == "content");
        if (content >= 0)
        {
            draft.Form[content] = draft.Form[content] with { Value = bomb, Raw = false };
            var type = draft.Form.FindIndex(f => f.Name == "type");
            if (type >= 0)
            {
                draft.Form[type] = draft.Form[type] with { Value = "xml" };
            }
            else
            {
                draft.Form.Add(new Field("type", "xml", false));
            }

            draft.Notes.Add("nacos xml content with a DTD");
            return;
        }

        if (draft.Json is JsonObject json && json.ContainsKey("content"))
        {
            json["content"] = bomb;
            json["type"] = "xml";
            draft.Notes.Add("xml content with a DTD");
            return;
        }

        draft.Json = null;
        draft.Form.Clear();
        draft.Body = Encoding.UTF8.GetBytes(bomb);
        draft.ContentType = NastyValues.Pick(random, ["application/xml", "text/xml", "application/json", "application/x-www-form-urlencoded"]);
        draft.Notes.Add("xml body with a DTD");
    }

    private static void BadHeaders(RequestDraft draft, Random random)
    {
        switch (random.Next(12))
        {
            case 0:
                draft.ContentType = NastyValues.Pick(random, [
                    "text/plain", "application/xml", "application/json; charset=ibm-bogus", "application/x-www-form-urlencoded; charset=utf-7",
                    "application/x-www-form-urlencoded; charset=nope", "application/json; charset=\"utf-8\"", "application/x-www-form-urlencoded; charset=\"utf-8\"", "application/json; charset=utf-16", "*/*", "a/b/c;;;", "multipart/form-data",
                    "multipart/form-data; boundary=", "application/octet-stream", "application/json;", "application/merge-patch+json",
                ]);
                draft.Notes.Add($"Content-Type {draft.ContentType}");
                break;
            case 1:
                var boundary = "fuzzboundary";
                draft.ContentType = $"multipart/form-data; boundary={boundary}";
                draft.Json = null;
                draft.Body = Encoding.UTF8.GetBytes(random.Next(3) switch
                {
                    0 => $"--{boundary}\r\nContent-Disposition: form-data; name=\"dataId\"\r\n\r\n{ValidValues.DataId}\r\n--{boundary}--\r\n",
                    1 => $"--{boundary}\r\nContent-Disposition: form-data; name=\"content\"; filename=\"a.txt\"\r\n\r\nabc\r\n--{boundary}",
                    _ => $"--{boundary}\r\nContent-Disposition: form-data\r\n\r\nno name\r\n--{boundary}--\r\n",
                });
                draft.Notes.Add("multipart body");
                break;
            case 2:
                draft.Headers.Add(new Field("Accept", NastyValues.Pick(random, ["application/json;q=abc", "*/*;q=0", "application/xml, application/json", "text/html", "\u00e9"]), false));
                draft.Notes.Add("odd Accept");
                break;
            case 3:
                draft.Headers.Add(new Field("Accept-Encoding", NastyValues.Pick(random, ["gzip", "gzip;q=0", "br, gzip, deflate, zstd", "identity;q=0", "x"]), false));
                draft.Notes.Add("Accept-Encoding");
                break;
            case 4:
                draft.Headers.Add(new Field("Content-Encoding", NastyValues.Pick(random, ["gzip", "br", "deflate", "x"]), false));
                draft.Notes.Add("Content-Encoding on a plain body");
                break;
            case 5:
                draft.Headers.Add(new Field("Long-Pulling-Timeout", NastyValues.Overflow(random), false));
                draft.Headers.Add(new Field("Long-Pulling-Timeout-No-Hangup", "true", false));
                draft.Notes.Add("Long-Pulling-Timeout overflow");
                break;
            case 6:
                draft.Headers.Add(new Field("Client-Version", HeaderSafe(NastyValues.SpecialText(random) + NastyValues.UnicodeText(random)), false));
                draft.Notes.Add("Client-Version");
                break;
            case 7:
                draft.Headers.Add(new Field("X-Forwarded-For", NastyValues.Pick(random, ["999.1.1.1", "::::", "a, b, c", "127.0.0.1:99999", ""]), false));
                draft.Notes.Add("X-Forwarded-For");
                break;
            case 8:
                draft.Headers.Add(new Field("Expect", "100-continue", false));
                draft.Notes.Add("Expect 100-continue");
                break;
            case 9:
                draft.Headers.Add(new Field("X-Fuzz-" + random.Next(1000), new string('h', 100 + random.Next(40_000)), false));
                draft.Notes.Add("large header");
                break;
            case 10:
                draft.Headers.Add(new Field("If-Modified-Since", NastyValues.Pick(random, ["yesterday", "Thu, 01 Jan 1970 00:00:00 GMT", "-1"]), false));
                draft.Notes.Add("If-Modified-Since");
                break;
            default:
                draft.ContentType = null;
                draft.Notes.Add("no Content-Type");
                break;
        }
    }

    private static void BadPath(RequestDraft draft, Random random)
    {
        var index = random.Next(draft.Path.Count + 1);
        var value = NastyValues.Pick(random, ["%2F", "%00", "%C0%AE%C0%AE", "..", ".", "%2e%2e", "", "%", "%zz", "a%2Fb", ";x=1", "%E2%80%AE", "~", "%u0041", "x".PadRight(5_000, 'x')]);
        if (index == draft.Path.Count)
        {
            draft.Path.Add(new Field("extra", value, true));
            draft.Notes.Add($"extra segment '{Short(value)}'");
        }
        else
        {
            draft.Notes.Add($"segment {index} '{draft.Path[index].Value}' -> '{Short(value)}'");
            draft.Path[index] = draft.Path[index] with { Value = value, Raw = true };
        }
    }

    private static byte[] GrpcBody(Random random) => random.Next(5) switch
    {
        0 => Bytes(random, random.Next(1, 200)),
        1 => GrpcFrames.Frame(1, Bytes(random, 20), 20),
        2 => [.. GrpcFrames.Valid(random), .. GrpcFrames.Frame(0, Bytes(random, 30), 30)],
        3 => GrpcFrames.Frame(0, [0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F], 6),
        _ => GrpcFrames.Frame(0, Bytes(random, 100), 100),
    };

    private static string DeepXml(int depth) => string.Concat(Enumerable.Repeat("<a>", depth)) + string.Concat(Enumerable.Repeat("</a>", depth));

    /// <summary>Header values cannot carry CR, LF or NUL through HttpClient; the framing mutation sends those.</summary>
    private static string HeaderSafe(string value) => value.Replace("\r", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal).Replace("\0", "", StringComparison.Ordinal);

    private static string Short(string value) => value.Length <= 40 ? value : value[..40] + $"…({value.Length} chars)";

    private static byte[] Bytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }
}

/// <summary>XML that a parser must not expand or fetch: entity bombs, external entities and DTDs, parameter entities.</summary>
internal static class XmlBombs
{
    private static readonly string[] Bombs =
    [
        """<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;"><!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;"><!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;"><!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;"><!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;"><!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]><instance><app>&lol9;</app></instance>""",
        """<?xml version="1.0"?><!DOCTYPE instance [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><instance><app>&xxe;</app><hostName>&xxe;</hostName></instance>""",
        """<?xml version="1.0"?><!DOCTYPE instance SYSTEM "http://127.0.0.1:1/evil.dtd"><instance><app>FUZZAPP</app></instance>""",
        """<?xml version="1.0"?><!DOCTYPE instance [<!ENTITY % remote SYSTEM "http://127.0.0.1:1/x.dtd">%remote;]><instance/>""",
        """<?xml version="1.0"?><!DOCTYPE instance [<!ENTITY a "&b;"><!ENTITY b "&a;">]><instance><app>&a;</app></instance>""",
        """<?xml version="1.0" encoding="UTF-7"?><instance><app>+ADw-x+AD4-</app></instance>""",
        """<?xml version="1.0" encoding="nope"?><instance/>""",
        """<?xml-stylesheet href="http://127.0.0.1:1/x"?><instance><app>FUZZAPP</app></instance>""",
        """<instance xmlns:xi="http://www.w3.org/2001/XInclude"><app><xi:include href="file:///etc/passwd" parse="text"/></app></instance>""",
        """<instance><app>FUZZAPP</app><app>OTHER</app><metadata><a>1</a><a>2</a><_x0000_>z</_x0000_><_xD800_>y</_xD800_></metadata></instance>""",
        """<instance><port enabled="maybe">99999999999</port><securePort>-1</securePort><leaseInfo><durationInSecs>1e9</durationInSecs></leaseInfo></instance>""",
        "<instance>",
        "",
        "<?xml version=\"1.0\"?>\u0000<instance/>",
    ];

    public static string Pick(Random random) => NastyValues.Pick(random, Bombs);
}
