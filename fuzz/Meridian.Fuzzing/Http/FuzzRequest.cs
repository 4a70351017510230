using System.Text;

namespace Meridian.Fuzzing.Http;

/// <summary>The kinds of malformed input the HTTP fuzzer sends; each request carries one or more.</summary>
public enum MutationClass
{
    None,
    WrongType,
    HugeString,
    Unicode,
    InvalidUtf8,
    DeepNesting,
    OverflowingNumber,
    DuplicateKeys,
    TruncatedBody,
    XmlEntities,
    MissingParameter,
    SpecialText,
    BadHeaders,
    BadPath,
    BadMethod,
    BadFraming,
    BadCredentials,
}

/// <summary>Who the request claims to be: the administrator (to reach the handlers), nobody, or a credential that is not one.</summary>
public enum AuthMode
{
    Admin,
    Anonymous,
    Garbage,
    TamperedAdmin,
}

/// <summary>One generated request, reproducible from the seed and its index, described well enough to replay by hand.</summary>
public sealed class FuzzRequest
{
    public required int Index { get; init; }
    public required string Family { get; init; }
    public required string Endpoint { get; init; }
    public required string Method { get; init; }

    /// <summary>Path and query exactly as sent (percent-encoded).</summary>
    public required string Target { get; init; }

    public required IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; }
    public string? ContentType { get; init; }
    public byte[]? Body { get; init; }
    public required AuthMode Auth { get; init; }

    /// <summary>For <see cref="AuthMode.Garbage"/>: the Authorization header sent.</summary>
    public string? GarbageAuthorization { get; init; }

    public required IReadOnlyList<MutationClass> Classes { get; init; }
    public required IReadOnlyList<string> Notes { get; init; }

    /// <summary>When set, the request goes over a bare socket as these bytes (the Authorization line is inserted after the request line).</summary>
    public byte[]? RawWire { get; init; }

    /// <summary>A 5xx that is the right answer to this request (505 for an HTTP version other than 1.x), counted as answered.</summary>
    public int? ExpectedServerError { get; init; }

    public bool LongPoll { get; init; }
    public bool Http2 { get; init; }

    public string Describe(int maxBody = 400)
    {
        var text = new StringBuilder();
        text.Append('#').Append(Index).Append(' ').Append(Family).Append(' ').Append(Endpoint).Append(" [").AppendJoin(", ", Classes).Append("] ").AppendJoin("; ", Notes).AppendLine();
        if (RawWire is not null)
        {
            text.Append("  raw: ").AppendLine(Printable(RawWire, maxBody));
            return text.ToString();
        }

        text.Append("  ").Append(Method).Append(' ').Append(Target.Length > 600 ? Target[..600] + $"…({Target.Length} chars)" : Target).AppendLine();
        text.Append("  auth: ").Append(Auth).AppendLine(GarbageAuthorization is null ? "" : $" ({Clip(GarbageAuthorization, 80)})");
        foreach (var (name, value) in Headers)
        {
            text.Append("  ").Append(name).Append(": ").AppendLine(Clip(value, 200));
        }

        if (ContentType is not null)
        {
            text.Append("  Content-Type: ").AppendLine(ContentType);
        }

        if (Body is not null)
        {
            text.Append("  body (").Append(Body.Length).Append(" bytes): ").AppendLine(Printable(Body, maxBody));
        }

        return text.ToString();
    }

    private static string Clip(string text, int max) => text.Length <= max ? text : text[..max] + $"…({text.Length} chars)";

    /// <summary>Bytes as text, with control characters and bytes that are not ASCII written as \xNN.</summary>
    public static string Printable(ReadOnlySpan<byte> bytes, int max)
    {
        var text = new StringBuilder();
        foreach (var b in bytes[..Math.Min(bytes.Length, max)])
        {
            if (b is >= 0x20 and < 0x7F)
            {
                text.Append((char)b);
            }
            else
            {
                text.Append("\\x").Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        if (bytes.Length > max)
        {
            text.Append($"…({bytes.Length} bytes)");
        }

        return text.ToString();
    }
}
