using System.Text.Json;

namespace Meridian.Config.Formats;

internal static class JsonContent
{
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 128 };

    public static ContentError? Check(string content)
    {
        try
        {
            using var document = JsonDocument.Parse(content, Options);
            return null;
        }
        catch (JsonException e)
        {
            // The parser counts from 0 and appends its own position; report ours, 1-based, once.
            var reason = e.Message;
            var cut = reason.IndexOf(" LineNumber:", StringComparison.Ordinal);
            if (cut > 0)
            {
                reason = reason[..cut].TrimEnd(' ', '|');
            }

            return new ContentError((int)(e.LineNumber ?? 0) + 1, (int)(e.BytePositionInLine ?? 0) + 1, reason);
        }
    }
}
