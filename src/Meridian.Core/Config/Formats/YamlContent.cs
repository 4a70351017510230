using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Meridian.Config.Formats;

internal static partial class YamlContent
{
    /// <summary>Deeper than any configuration needs; the node graph loader recurses once per level and would overflow the stack.</summary>
    public const int MaxDepth = 256;

    public static ContentError? Check(string content)
    {
        var scanner = new Scanner(new StringReader(content));
        try
        {
            if (Structure(scanner) is { } error)
            {
                return error;
            }

            // The errors below report where this scanner stopped.
            scanner = new Scanner(new StringReader(content));

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
        catch (ArgumentException e)
        {
            // YamlDotNet refuses some malformed documents with ArgumentException: a tag that is not a URI ("!!a]b"), a NUL
            // where a node should start. Its message is about its own API; say what is wrong with the text instead.
            var at = scanner.CurrentPosition;
            var what = e.Message.Contains("tag", StringComparison.OrdinalIgnoreCase) ? "a tag that is not a valid URI" : "a character or token that cannot start a node (a NUL, a stray indicator)";
            return new ContentError((int)at.Line, (int)at.Column, $"the YAML cannot be read: {what} before this point.");
        }
    }

    /// <summary>
    /// A pass over the parser's events, which keep their own stack, before the node graph is built: nesting past
    /// <see cref="MaxDepth"/> would overflow the thread's stack (and end the process) in the recursive loader, and an
    /// alias to an anchor not defined before it (invalid YAML, which the loader leaves unresolved) sends its key
    /// comparison into endless recursion.
    /// </summary>
    private static ContentError? Structure(Scanner scanner)
    {
        var parser = new Parser(scanner);
        var anchors = new HashSet<string>(StringComparer.Ordinal);

        // The anchor of each collection still open (or ""), innermost last: an alias to one of them is a cycle.
        var open = new Stack<string>();
        while (parser.MoveNext())
        {
            var current = parser.Current!;
            var line = (int)current.Start.Line;
            var column = (int)current.Start.Column;
            switch (current)
            {
                case DocumentStart:
                    anchors.Clear();
                    break;
                case AnchorAlias alias when !anchors.Contains(alias.Value.Value):
                    return new ContentError(line, column, $"the alias '*{alias.Value.Value}' refers to no anchor '&{alias.Value.Value}' defined before it.");
                case AnchorAlias alias when open.Contains(alias.Value.Value):
                    return new ContentError(line, column, $"the alias '*{alias.Value.Value}' refers to a node that contains it; clients cannot load a cycle.");
                case SequenceStart or MappingStart:
                    var anchor = ((NodeEvent)current).Anchor;
                    if (!anchor.IsEmpty)
                    {
                        anchors.Add(anchor.Value);
                    }

                    open.Push(anchor.IsEmpty ? "" : anchor.Value);
                    if (open.Count > MaxDepth)
                    {
                        return new ContentError(line, column, $"the YAML nests deeper than {MaxDepth} levels.");
                    }

                    break;
                case SequenceEnd or MappingEnd:
                    open.Pop();
                    break;
                case Scalar scalar when !scalar.Anchor.IsEmpty:
                    anchors.Add(scalar.Anchor.Value);
                    break;
            }
        }

        return null;
    }

    private static string Strip(string message) => Position().Replace(message, "");

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\): ")]
    private static partial Regex Position();
}
