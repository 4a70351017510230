using System.Text.RegularExpressions;
using System.Xml;

namespace Meridian.Config.Formats;

internal static partial class XmlContent
{
    // A DOCTYPE is skipped, never processed: no entity expansion, no external fetches.
    private static readonly XmlReaderSettings Settings = new()
    {
        DtdProcessing = DtdProcessing.Ignore,
        XmlResolver = null,
        ConformanceLevel = ConformanceLevel.Document,
    };

    public static ContentError? Check(string content)
    {
        try
        {
            using var reader = XmlReader.Create(new StringReader(content), Settings);
            while (reader.Read())
            {
            }

            return null;
        }
        catch (XmlException e)
        {
            return new ContentError(e.LineNumber, e.LinePosition, Position().Replace(e.Message, ""));
        }
    }

    [GeneratedRegex(@" Line \d+, position \d+\.$")]
    private static partial Regex Position();
}
