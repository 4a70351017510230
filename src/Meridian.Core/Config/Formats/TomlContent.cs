using Tomlyn;
using Tomlyn.Parsing;
using Tomlyn.Syntax;

namespace Meridian.Config.Formats;

internal static class TomlContent
{
    public static ContentError? Check(string content)
    {
        DocumentSyntax document;
        try
        {
            document = SyntaxParser.Parse(content, "content", true);
        }
        catch (TomlException e)
        {
            // Tomlyn throws instead of reporting for some documents, arrays or tables nested past its depth limit among them.
            return new ContentError(1, 1, e.Message);
        }
        catch (ArgumentOutOfRangeException)
        {
            // ... and for a \u or \U escape naming a surrogate or a value past U+10FFFF, which it hands to char.ConvertFromUtf32.
            return new ContentError(1, 1, "an escape (\\uXXXX or \\UXXXXXXXX) names a surrogate or a value past U+10FFFF; escape only Unicode scalar values.");
        }

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
