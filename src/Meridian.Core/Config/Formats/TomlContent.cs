using Tomlyn.Parsing;
using Tomlyn.Syntax;

namespace Meridian.Config.Formats;

internal static class TomlContent
{
    public static ContentError? Check(string content)
    {
        var document = SyntaxParser.Parse(content, "content", true);
        foreach (var message in document.Diagnostics)
        {
            if (message.Kind == DiagnosticMessageKind.Error)
            {
                return new ContentError(message.Span.Start.Line + 1, message.Span.Start.Column + 1, message.Message);
            }
        }

        return null;
    }
}
