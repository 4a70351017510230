namespace Meridian.Config.Formats;

/// <summary>Where typed content fails to parse: 1-based line and column, and the parser's reason.</summary>
public sealed record ContentError(int Line, int Column, string Reason)
{
    public override string ToString() => $"line {Line}, column {Column}: {Reason}";
}
