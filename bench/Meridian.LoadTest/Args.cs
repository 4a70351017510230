using System.Globalization;

namespace Meridian.LoadTest;

/// <summary><c>--name value</c> options and bare <c>--flag</c>s of a mode's command line.</summary>
internal sealed class Args
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);
    private readonly string _usage;

    private Args(string usage) => _usage = usage;

    /// <param name="flags">The options that take no value.</param>
    public static Args Parse(string[] args, IReadOnlySet<string> flags, string usage)
    {
        var parsed = new Args(usage);
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i].StartsWith("--", StringComparison.Ordinal) ? args[i][2..] : throw new ArgumentException($"Unexpected argument '{args[i]}'. " + usage);
            if (flags.Contains(name))
            {
                parsed._flags.Add(name);
            }
            else if (i + 1 < args.Length)
            {
                parsed._values[name] = args[++i];
            }
            else
            {
                throw new ArgumentException($"--{name} needs a value. " + usage);
            }
        }

        return parsed;
    }

    public bool Flag(string name) => _flags.Contains(name);

    public string Need(string name) => _values.TryGetValue(name, out var v) ? v : throw new ArgumentException($"--{name} is required. " + _usage);

    public string Text(string name, string fallback) => _values.TryGetValue(name, out var v) ? v : fallback;

    public int Int(string name, int fallback) => _values.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public double Double(string name, double fallback) => _values.TryGetValue(name, out var v) ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;
}
