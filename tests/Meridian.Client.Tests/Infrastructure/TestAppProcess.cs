using System.Diagnostics;

namespace Meridian.Client.Tests.Infrastructure;

/// <summary>The test app as a real child process (<c>dotnet Meridian.Client.TestApp.dll</c>), so a test can SIGKILL it.</summary>
public sealed class TestAppProcess : IDisposable
{
    private readonly Process _process;

    private TestAppProcess(Process process) => _process = process;

    public static async Task<TestAppProcess> StartAsync(string server, string service, string snapshotDirectory)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Meridian.Client.TestApp.dll");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var arg in (string[])
                 [
                     dll, "--urls", "http://127.0.0.1:0", $"--Meridian:ServerAddresses:0={server}", $"--Meridian:ServiceName={service}",
                     $"--Meridian:Discovery:SnapshotDirectory={snapshotDirectory}", "--Logging:LogLevel:Default=Warning",
                 ])
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start.");
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                started.TrySetException(new InvalidOperationException("The test app exited before starting:\n" + string.Join('\n', output)));
                return;
            }

            output.Enqueue(e.Data);
            if (e.Data.Contains("test-app started", StringComparison.Ordinal))
            {
                started.TrySetResult();
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
            await started.Task.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
            return new TestAppProcess(process);
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }
    }

    /// <summary>SIGKILL: no shutdown hooks, no deregistration, the socket just dies.</summary>
    public void Kill()
    {
        _process.Kill();
        _process.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }
}
