namespace Meridian.Cli.Terminal;

/// <summary>A failure the user is told about in one message, with the exit code a script sees.</summary>
internal sealed class CliException(int exitCode, string message) : Exception(message)
{
    public int ExitCode { get; } = exitCode;

    public static CliException Usage(string message) => new(ExitCodes.Usage, message);
}
