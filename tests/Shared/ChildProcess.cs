using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Meridian.Testing;

/// <summary>
/// A real child process (a Meridian server, an app using the client) whose output is watched for the lines a test
/// waits on, so tests can do to it what production does: SIGKILL it, signal it, start it again.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly List<(Regex Pattern, TaskCompletionSource<Match> Found)> _waits = [];
    private readonly Lock _gate = new();

    private ChildProcess(Process process) => _process = process;

    public int Id => _process.Id;
    public string Output => string.Join('\n', _output);

    /// <summary>The exit code, once <see cref="WaitForExitAsync"/> has completed.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>Starts <c>dotnet DLL args</c> (or any program) from the test's own folder, or from <paramref name="workingDirectory"/>.</summary>
    public static ChildProcess Start(string program, IEnumerable<string> args, IDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? AppContext.BaseDirectory,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var app = new ChildProcess(Process.Start(info) ?? throw new InvalidOperationException($"{program} did not start."));
        app._process.OutputDataReceived += (_, e) => app.OnLine(e.Data);
        app._process.ErrorDataReceived += (_, e) => app.OnLine(e.Data);
        app._process.BeginOutputReadLine();
        app._process.BeginErrorReadLine();
        return app;
    }

    public static ChildProcess StartDotnet(string dll, params IEnumerable<string> args) =>
        Start("dotnet", [Path.Combine(AppContext.BaseDirectory, dll), "--contentRoot", AppContext.BaseDirectory, .. args]);

    /// <summary>Completes with the first line (past or future) that matches; fails if the process ends first.</summary>
    public Task<Match> WaitForAsync(string pattern, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var regex = new Regex(pattern);
        var found = new TaskCompletionSource<Match>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            foreach (var line in _output)
            {
                if (regex.Match(line) is { Success: true } match)
                {
                    return Task.FromResult(match);
                }
            }

            _waits.Add((regex, found));
        }

        return found.Task.WaitAsync(timeout, cancellationToken);
    }

    /// <summary>SIGKILL: no shutdown hooks, no flushing, no deregistration; the sockets just die.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async Task SignalAsync(string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        await kill.WaitForExitAsync();
    }

    public Task WaitForExitAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        _process.WaitForExitAsync(cancellationToken).WaitAsync(timeout, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await KillAsync();
        }

        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        lock (_gate)
        {
            if (line is null)
            {
                foreach (var (_, found) in _waits)
                {
                    found.TrySetException(new InvalidOperationException("The process ended first. Its output:\n" + Output));
                }

                return;
            }

            _output.Enqueue(line);
            foreach (var (pattern, found) in _waits)
            {
                if (pattern.Match(line) is { Success: true } match)
                {
                    found.TrySetResult(match);
                }
            }
        }
    }
}
