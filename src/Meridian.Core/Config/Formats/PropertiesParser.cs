using System.Text;

namespace Meridian.Config.Formats;

/// <summary>
/// Reads Java <c>.properties</c> text as <c>java.util.Properties.load</c> does: <c>key=value</c>, <c>key: value</c> or
/// <c>key value</c>; <c>#</c> and <c>!</c> comment lines; a line ending in an odd number of backslashes continues on the
/// next (whose leading blanks are dropped); <c>\t \n \r \f \uXXXX</c> escapes. The only malformed input is a bad
/// <c>\u</c> escape.
/// </summary>
public static class PropertiesParser
{
    /// <summary>The entries in file order; a key given twice appears twice (the last one wins when loaded).</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Parse(string text)
    {
        var entries = new List<KeyValuePair<string, string>>();
        var error = Read(text, entries);
        return error is null ? entries : throw new FormatException(error.ToString());
    }

    public static ContentError? Check(string text) => Read(text, entries: null);

    private static ContentError? Read(string text, List<KeyValuePair<string, string>>? entries)
    {
        var lines = new NaturalLines(text);
        var logical = new StringBuilder();
        var segments = new List<Segment>();
        while (lines.Next(out var line, out var number))
        {
            var start = SkipBlanks(line, 0);
            if (start == line.Length || line[start] is '#' or '!')
            {
                continue;
            }

            logical.Clear();
            segments.Clear();
            while (true)
            {
                var continues = EndsWithOddBackslashes(line, start);
                segments.Add(new Segment(logical.Length, number, start));
                logical.Append(line.AsSpan(start, line.Length - start - (continues ? 1 : 0)));
                if (!continues || !lines.Next(out line, out number))
                {
                    break;
                }

                start = SkipBlanks(line, 0);
            }

            var error = ReadEntry(logical.ToString(), entries, out var at);
            if (error is not null)
            {
                var segment = segments.Last(s => s.LogicalStart <= at);
                return new ContentError(segment.Line, segment.Column + (at - segment.LogicalStart) + 1, error);
            }
        }

        return null;
    }

    private static string? ReadEntry(string line, List<KeyValuePair<string, string>>? entries, out int errorAt)
    {
        var key = new StringBuilder();
        var i = 0;
        while (i < line.Length && line[i] is not ('=' or ':' or ' ' or '\t' or '\f'))
        {
            if (Unescape(line, ref i, key) is { } error)
            {
                errorAt = i;
                return error;
            }
        }

        i = SkipBlanks(line, i);
        if (i < line.Length && line[i] is '=' or ':')
        {
            i = SkipBlanks(line, i + 1);
        }

        var value = new StringBuilder();
        while (i < line.Length)
        {
            if (Unescape(line, ref i, value) is { } error)
            {
                errorAt = i;
                return error;
            }
        }

        entries?.Add(new(key.ToString(), value.ToString()));
        errorAt = 0;
        return null;
    }

    /// <summary>Appends the character at <paramref name="i"/>, decoding an escape; on a bad escape leaves <paramref name="i"/> on it.</summary>
    private static string? Unescape(string line, ref int i, StringBuilder into)
    {
        var c = line[i];
        if (c != '\\')
        {
            into.Append(c);
            i++;
            return null;
        }

        if (i + 1 == line.Length)
        {
            // A lone backslash ending the last line: Java drops it.
            i++;
            return null;
        }

        var next = line[i + 1];
        if (next == 'u')
        {
            if (i + 6 > line.Length || !ushort.TryParse(line.AsSpan(i + 2, 4), System.Globalization.NumberStyles.AllowHexSpecifier, null, out var code))
            {
                return @"malformed \uXXXX escape: '\u' must be followed by four hex digits.";
            }

            into.Append((char)code);
            i += 6;
            return null;
        }

        into.Append(next switch { 't' => '\t', 'n' => '\n', 'r' => '\r', 'f' => '\f', _ => next });
        i += 2;
        return null;
    }

    private static int SkipBlanks(string line, int i)
    {
        while (i < line.Length && line[i] is ' ' or '\t' or '\f')
        {
            i++;
        }

        return i;
    }

    private static bool EndsWithOddBackslashes(string line, int start)
    {
        var count = 0;
        for (var i = line.Length - 1; i >= start && line[i] == '\\'; i--)
        {
            count++;
        }

        return count % 2 == 1;
    }

    /// <summary>Where a piece of a logical line came from: its 1-based line number and 0-based starting column.</summary>
    private readonly record struct Segment(int LogicalStart, int Line, int Column);

    /// <summary>Splits on <c>\n</c>, <c>\r\n</c> and <c>\r</c>, as Java does.</summary>
    private struct NaturalLines(string text)
    {
        private int _position;
        private int _number;

        public bool Next(out string line, out int number)
        {
            if (_position > text.Length || (_position == text.Length && _number > 0))
            {
                line = "";
                number = 0;
                return false;
            }

            var end = text.AsSpan(_position).IndexOfAny('\r', '\n');
            end = end < 0 ? text.Length : _position + end;
            line = text[_position..end];
            _position = end < text.Length && text[end] == '\r' && end + 1 < text.Length && text[end + 1] == '\n' ? end + 2 : end + 1;
            number = ++_number;
            return true;
        }
    }
}
