namespace Meridian.Cli.Terminal;

/// <summary>What a script can tell apart by the exit code alone (docs/cli.md lists them).</summary>
internal static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The command line, or input the user gave (a file, content the server refused as invalid: 400).</summary>
    public const int Usage = 1;

    /// <summary>The namespace, service, instance, config, version or key does not exist (404).</summary>
    public const int NotFound = 2;

    /// <summary>A compare-and-set failed, the thing already exists, or is still in use (409).</summary>
    public const int Conflict = 3;

    /// <summary>No credentials, wrong or expired ones (401), or not allowed (403).</summary>
    public const int Auth = 4;

    /// <summary>The server could not be reached, did not answer in time, or cannot take the request now (503).</summary>
    public const int Unreachable = 5;

    /// <summary>The server failed otherwise (other 5xx) or refused for a limit (429).</summary>
    public const int ServerError = 6;

    /// <summary>Interrupted (Ctrl+C), as shells report SIGINT.</summary>
    public const int Interrupted = 130;
}
