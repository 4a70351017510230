namespace Meridian.Config;

/// <summary>A case-sensitive pattern where <c>*</c> stands for any run of characters. No regex: at worst pattern × text steps.</summary>
public sealed class WildcardPattern
{
    private readonly string _pattern;

    public WildcardPattern(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        _pattern = pattern;
    }

    public bool IsMatch(string text)
    {
        var p = _pattern.AsSpan();
        var t = text.AsSpan();
        int pi = 0, ti = 0, star = -1, resume = 0;
        while (ti < t.Length)
        {
            if (pi < p.Length && p[pi] == '*')
            {
                star = pi++;
                resume = ti;
            }
            else if (pi < p.Length && p[pi] == t[ti])
            {
                pi++;
                ti++;
            }
            else if (star >= 0)
            {
                // Let the last star swallow one more character and retry from there.
                pi = star + 1;
                ti = ++resume;
            }
            else
            {
                return false;
            }
        }

        while (pi < p.Length && p[pi] == '*')
        {
            pi++;
        }

        return pi == p.Length;
    }
}
