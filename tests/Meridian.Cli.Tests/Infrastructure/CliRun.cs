using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;

namespace Meridian.Cli.Tests.Infrastructure;

/// <summary>What one run of <c>meridian</c> printed, each stream on its own, and how it exited.</summary>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public JsonNode Json => JsonNode.Parse(Stdout) ?? throw new InvalidOperationException("The output is JSON null.");

    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";
}

/// <summary>Runs the built CLI (<c>dotnet meridian.dll ...</c>) as a child process with only the environment given.</summary>
public static class CliRun
{
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "meridian.dll");

    /// <summary>The variables the CLI reads; the test's own values of these never reach it.</summary>
    private static readonly string[] Isolated =
        ["MERIDIAN_SERVER", "MERIDIAN_TOKEN", "MERIDIAN_USERNAME", "MERIDIAN_PASSWORD", "XDG_CONFIG_HOME", "COLUMNS", "EDITOR", "VISUAL", "HOME"];

    public static ProcessStartInfo StartInfo(IEnumerable<string> args, IReadOnlyDictionary<string, string> environment, string program = "dotnet")
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        if (program == "dotnet")
        {
            info.ArgumentList.Add(Dll);
        }

        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var name in Isolated)
        {
            info.Environment.Remove(name);
        }

        info.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        return info;
    }

    /// <summary>
    /// Runs a command line on a pseudo-terminal (util-linux <c>script</c>), as a user at a terminal would: the CLI then
    /// draws colours and live progress. Standard output and error arrive together, as on a screen.
    /// </summary>
    public static Task<CliResult> RunOnTerminalAsync(string commandLine, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken,
        string? typed = null) =>
        RunAsync(["-qec", commandLine, "/dev/null"], environment, typed, cancellationToken, program: "script");

    public static async Task<CliResult> RunAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string> environment, string? stdin,
        CancellationToken cancellationToken, string program = "dotnet")
    {
        using var process = Process.Start(StartInfo(args, environment, program)) ?? throw new InvalidOperationException("dotnet did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin.AsMemory(), cancellationToken);
        }

        process.StandardInput.Close();
        try
        {
            await process.WaitForExitAsync(cancellationToken).WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"meridian {string.Join(' ', args)} did not exit within 60 s. Output:\n{await stdout}\n{await stderr}");
        }

        return new CliResult(process.ExitCode, await stdout, await stderr);
    }
}
