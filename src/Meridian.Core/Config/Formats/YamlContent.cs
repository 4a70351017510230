using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Meridian.Config.Formats;

internal static partial class YamlContent
{
    public static ContentError? Check(string content)
    {
        var scanner = new Scanner(new StringReader(content));
        try
        {
            // Loading the node graph (not just scanning) also catches duplicate keys, which clients would reject or silently merge.
            new YamlStream().Load(new Parser(scanner));
            return null;
        }
        catch (YamlException e)
        {
            var reason = e.InnerException is YamlException inner ? Strip(inner.Message) : Strip(e.Message);
            return new ContentError((int)e.Start.Line, (int)e.Start.Column, reason);
        }
        catch (InvalidOperationException)
        {
            // The scanner trips over some unterminated flow collections without saying where; it stopped reading here.
            var at = scanner.CurrentPosition;
            return new ContentError((int)at.Line, (int)at.Column, "unexpected content; look for an unclosed '[', '{' or quote before this point.");
        }
    }

    private static string Strip(string message) => Position().Replace(message, "");

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\): ")]
    private static partial Regex Position();
}
