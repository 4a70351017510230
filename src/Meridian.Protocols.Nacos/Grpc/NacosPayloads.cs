using System.Buffers;
using System.Text.Json;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Meridian.Protocols.Nacos.Grpc.Wire;

namespace Meridian.Protocols.Nacos.Grpc;

/// <summary>
/// Builds and reads the Nacos envelope: a <see cref="Payload"/> whose metadata names the class and whose body is its JSON.
/// Responses always carry <c>resultCode</c>, <c>errorCode</c>, <c>message</c> and <c>requestId</c>, which strict
/// clients (the Rust one) require.
/// </summary>
internal static class NacosPayloads
{
    public const int Success = 200;
    public const int Fail = 500;

    /// <summary>A successful response of <paramref name="type"/>, with the fields <paramref name="body"/> writes.</summary>
    public static Payload Ok(string type, string? requestId, Action<Utf8JsonWriter>? body = null) =>
        Response(type, Success, 0, "Response ok", requestId, body);

    /// <summary>A refusal in the shape of the expected response, for the codes clients act on (config not found, CAS).</summary>
    public static Payload Failed(string type, int errorCode, string message, string? requestId, Action<Utf8JsonWriter>? body = null) =>
        Response(type, Fail, errorCode, message, requestId, body);

    /// <summary>Nacos' <c>ErrorResponse</c>: every client turns it into an error carrying the code and message.</summary>
    public static Payload Error(int errorCode, string message, string? requestId = null) =>
        Response("ErrorResponse", Fail, errorCode, message, requestId, null);

    /// <summary>A request the server sends over the stream (pushes, resets, probes).</summary>
    public static Payload ServerRequest(string type, string requestId, Action<Utf8JsonWriter>? body = null) =>
        Build(type, w =>
        {
            w.WriteStartObject();
            w.WriteString("requestId", requestId);
            w.WriteStartObject("headers");
            w.WriteEndObject();
            body?.Invoke(w);
            w.WriteEndObject();
        });

    private static Payload Response(string type, int resultCode, int errorCode, string message, string? requestId, Action<Utf8JsonWriter>? body) =>
        Build(type, w =>
        {
            w.WriteStartObject();
            w.WriteNumber("resultCode", resultCode);
            w.WriteNumber("errorCode", errorCode);
            w.WriteString("message", message);
            if (requestId is null)
            {
                w.WriteNull("requestId");
            }
            else
            {
                w.WriteString("requestId", requestId);
            }

            w.WriteBoolean("success", resultCode == Success);
            body?.Invoke(w);
            w.WriteEndObject();
        });

    private static Payload Build(string type, Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return new Payload
        {
            Metadata = new Metadata { Type = type },
            Body = new Any { TypeUrl = type, Value = ByteString.CopyFrom(buffer.WrittenSpan) },
        };
    }
}

/// <summary>One request as received: its type, headers and parsed JSON body.</summary>
internal sealed class NacosRequest : IDisposable
{
    private readonly JsonDocument _document;

    private NacosRequest(string type, Metadata metadata, JsonDocument document)
    {
        Type = type;
        Headers = metadata.Headers;
        ClientIp = metadata.ClientIp;
        _document = document;
        Body = document.RootElement;
    }

    public string Type { get; }
    public IReadOnlyDictionary<string, string> Headers { get; }
    public string ClientIp { get; }
    public JsonElement Body { get; }

    public string? RequestId => String("requestId");

    /// <summary>Parses a payload; null with the reason when it is not a Nacos request this server can read.</summary>
    public static NacosRequest? Parse(Payload payload, out string problem)
    {
        var type = payload.Metadata?.Type ?? "";
        if (type.Length == 0)
        {
            problem = "The payload names no type (metadata.type); send the request class name, e.g. 'InstanceRequest'.";
            return null;
        }

        if (payload.Body is null || payload.Body.Value.IsEmpty)
        {
            problem = $"The {type} payload has no body; send the request as JSON in body.value.";
            return null;
        }

        try
        {
            var document = JsonDocument.Parse(payload.Body.Value.Memory);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                document.Dispose();
                problem = $"The {type} body is not a JSON object.";
                return null;
            }

            problem = "";
            return new NacosRequest(type, payload.Metadata!, document);
        }
        catch (JsonException e)
        {
            problem = $"The {type} body is not valid JSON: {e.Message}";
            return null;
        }
    }

    public string? String(string name) => String(Body, name);

    public bool? Bool(string name) => Bool(Body, name);

    public int? Int(string name) => Int(Body, name);

    public static string? String(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
            _ => null,
        } : null;

    public static bool? Bool(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.String when bool.TryParse(value.GetString(), out var parsed) => parsed,
            _ => null,
        } : null;

    public static int? Int(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number &&
        value.TryGetInt32(out var number) ? number : null;

    public static double? Double(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number &&
        value.TryGetDouble(out var number) ? number : null;

    public void Dispose() => _document.Dispose();
}
