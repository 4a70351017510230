using System.Buffers;
using System.Text.Json;

namespace Meridian.Protocols.Nacos.Http;

/// <summary>The bodies Nacos answers with: bare words (<c>ok</c>, <c>true</c>) and JSON written field by field in Nacos' order.</summary>
internal static class NacosResults
{
    public const string TextContentType = "text/plain;charset=UTF-8";
    public const string JsonContentType = "application/json;charset=UTF-8";

    public static readonly IResult Ok = Results.Text("ok", TextContentType);
    public static readonly IResult True = Results.Text("true", TextContentType);
    public static readonly IResult False = Results.Text("false", TextContentType);

    public static IResult Text(string body, int status = StatusCodes.Status200OK) => Results.Text(body, TextContentType, statusCode: status);

    public static IResult Json(Action<Utf8JsonWriter> write) => Results.Bytes(JsonBytes(write), JsonContentType);

    public static byte[] JsonBytes(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }
}
