using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Meridian.Server.Tests.Infrastructure;

/// <summary>
/// The real server as a separate OS process (<c>dotnet Meridian.Server.dll</c>) on a free port, so tests can do to it
/// what production does: kill it with SIGKILL and start it again on the same data.
/// </summary>
public sealed partial class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ServerProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
        Client = new HttpClient { BaseAddress = baseAddress };
    }

    public Uri BaseAddress { get; }
    public HttpClient Client { get; }
    public int ProcessId => _process.Id;

    public static async Task<ServerProcess> StartAsync(string dataDirectory, CancellationToken cancellationToken, params string[] extraArgs)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Meridian.Server.dll");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var arg in (string[])[dll, "--urls", "http://127.0.0.1:0", "--Meridian:Grpc:Port=0", $"--Meridian:Storage:Sqlite:DataDirectory={dataDirectory}", .. extraArgs])
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["Logging__Console__FormatterName"] = "simple";
        var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start.");
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                listening.TrySetException(new InvalidOperationException("The server exited before listening:\n" + string.Join('\n', output)));
                return;
            }

            output.Enqueue(e.Data);
            if (ListeningLine().Match(e.Data) is { Success: true } match)
            {
                listening.TrySetResult(new Uri(match.Groups[1].Value));
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                output.Enqueue(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            var address = await listening.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
            return new ServerProcess(process, address);
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }
    }

    /// <summary>SIGKILL: no shutdown hooks, no flushing; whatever was acknowledged must already be on disk.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_process.HasExited)
        {
            await KillAsync();
        }

        _process.Dispose();
    }

    // Kestrel's own "Now listening on" lines include the client-connection port; the server names its HTTP API apart.
    [GeneratedRegex(@"Meridian HTTP API .* on (http://[^\s;]+)")]
    private static partial Regex ListeningLine();
}
