namespace Meridian.Cli.Tests.Infrastructure;

public static class CliAssert
{
    /// <summary>The exit code expected, with one clear message on standard error and never a stack trace.</summary>
    public static CliResult Exits(int expected, CliResult result)
    {
        Assert.True(result.ExitCode == expected, $"expected exit {expected}; got {result}");
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", result.Stderr, StringComparison.Ordinal);
        return result;
    }

    public static CliResult Ok(CliResult result) => Exits(0, result);
}
