using System.Text;

namespace Meridian.Fuzzing.Http;

/// <summary>
/// HTTP/1.1 messages no HttpClient would send: bodies shorter than their Content-Length, broken chunking, conflicting
/// lengths, bytes that are not ASCII in the request line and headers, header lines without a colon or folded. They go
/// over a bare socket; the credential line is put in after the request line when the message is sent.
/// </summary>
internal static class RawFraming
{
    public static byte[] Build(RequestDraft draft, Random random)
    {
        var wire = Compose(draft, random);
        // RFC 9110 15.6.6: a request line that does not end in HTTP/1.0 or HTTP/1.1 names a version the server does not
        // speak (none at all is HTTP/0.9), and Kestrel rightly answers 505; that 5xx is not a finding.
        var end = wire.AsSpan().IndexOf("\r\n"u8);
        var line = wire.AsSpan(0, end < 0 ? wire.Length : end);
        draft.ExpectedServerError = line.EndsWith(" HTTP/1.1"u8) || line.EndsWith(" HTTP/1.0"u8) ? null : 505;
        return wire;
    }

    private static byte[] Compose(RequestDraft draft, Random random)
    {
        var request = draft.Build(-1);
        var target = Encoding.ASCII.GetBytes(request.Target);
        var body = request.Body ?? Encoding.UTF8.GetBytes("a=b");
        var contentType = request.ContentType ?? "application/x-www-form-urlencoded";
        var variant = random.Next(12);
        draft.Notes.Add("framing: " + Names[variant]);
        var head = new List<byte[]>();
        byte[] Line(string text) => Encoding.Latin1.GetBytes(text + "\r\n");

        head.Add([.. Encoding.ASCII.GetBytes(request.Method + " "), .. target, .. " HTTP/1.1\r\n"u8]);
        head.Add(Line("Host: 127.0.0.1"));
        head.Add(Line("Content-Type: " + contentType));
        switch (variant)
        {
            case 0:
                head.Add(Line($"Content-Length: {body.Length + 1 + random.Next(10_000)}"));
                return Join(head, body);
            case 1:
                head.Add(Line("Transfer-Encoding: chunked"));
                return Join(head, Encoding.ASCII.GetBytes("zz\r\nabc\r\n0\r\n\r\n"));
            case 2:
                head.Add(Line("Transfer-Encoding: chunked"));
                return Join(head, [.. Encoding.ASCII.GetBytes($"{body.Length + 50:X}\r\n"), .. body]);
            case 3:
                head.Add(Line($"Content-Length: {body.Length}"));
                head.Add(Line("Transfer-Encoding: chunked"));
                return Join(head, [.. Encoding.ASCII.GetBytes($"{body.Length:X}\r\n"), .. body, .. "\r\n0\r\n\r\n"u8]);
            case 4:
                head[0] = [.. Encoding.ASCII.GetBytes(request.Method + " "), .. target, .. NastyValues.InvalidUtf8(random), .. " HTTP/1.1\r\n"u8];
                head.Add(Line($"Content-Length: {body.Length}"));
                return Join(head, body);
            case 5:
                head.Add(NastyValues.Pick(random, new[] { Line("NoColonHere"), Line("X-A: 1\0"), Line("X-A: 1\r\n folded"), Line(": empty-name"), Line("X A: space") }));
                head.Add(Line($"Content-Length: {body.Length}"));
                return Join(head, body);
            case 6:
                head.Add([.. "X-Bytes: "u8, .. NastyValues.InvalidUtf8(random), .. "\r\n"u8]);
                head.Add([.. "Accept: "u8, .. Encoding.UTF8.GetBytes("application/json\u00e9\U0001F600"), .. "\r\n"u8]);
                head.Add(Line($"Content-Length: {body.Length}"));
                return Join(head, body);
            case 7:
                head[0] = [.. Encoding.ASCII.GetBytes(request.Method + " http://example.invalid"), .. target, .. " HTTP/1.1\r\n"u8];
                head.Add(Line($"Content-Length: {body.Length}"));
                return Join(head, body);
            case 8:
                var version = NastyValues.Pick(random, [" HTTP/1.0", " HTTP/9.9", " http/1.1", "", " HTTP/1.1 extra"]);
                head[0] = [.. Encoding.ASCII.GetBytes(request.Method + " "), .. target, .. Encoding.ASCII.GetBytes(version), .. "\r\n"u8];
                head.RemoveAt(1);
                head.Add(Line($"Content-Length: {body.Length}"));
                return Join(head, body);
            case 9:
                head.Add(Line($"Content-Length: {body.Length}"));
                head.Add(Line($"Content-Length: {body.Length + 3}"));
                return Join(head, body);
            case 10:
                head.Add(Line("Content-Length: " + NastyValues.Pick(random, ["-1", "99999999999999999999", "1e3", " 5", "0x10", ""])));
                return Join(head, body);
            default:
                head[0] = [.. Encoding.ASCII.GetBytes(request.Method + " "), .. target, .. Encoding.ASCII.GetBytes(NastyValues.Pick(random, ["/a b", "\r\nX-Injected: 1", "#frag", "?\0"])), .. " HTTP/1.1\r\n"u8];
                head.Add(Line($"Content-Length: {body.Length}"));
                return Join(head, body);
        }
    }

    private static readonly string[] Names =
    [
        "body shorter than Content-Length", "bad chunk size", "chunk cut short", "Content-Length and chunked", "invalid UTF-8 in the request line",
        "malformed header line", "bytes beyond ASCII in headers", "absolute-form target", "odd HTTP version", "two Content-Lengths",
        "Content-Length not a number", "odd request target",
    ];

    private static byte[] Join(List<byte[]> head, byte[] body)
    {

        var bytes = new List<byte>();
        foreach (var line in head)
        {
            bytes.AddRange(line);
        }

        bytes.AddRange("\r\n"u8.ToArray());
        bytes.AddRange(body);
        return [.. bytes];
    }
}
