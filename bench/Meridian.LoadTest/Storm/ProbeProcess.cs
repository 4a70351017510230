using System.Diagnostics;
using System.Globalization;

namespace Meridian.LoadTest.Storm;

/// <summary>The parent's side of <see cref="ProbeRun"/>: starts it, collects what it prints, stops it by closing its input.</summary>
internal sealed class ProbeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Lock _gate = new();
    private readonly List<ProbeResult> _results = [];
    private readonly List<(bool Up, long At)> _readiness = [];
    private readonly Task _reading;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ProbeProcess(Process process)
    {
        _process = process;
        _reading = ReadAsync();
    }

    public static ProbeProcess Start(Uri server, string path, string key)
    {
        var dll = typeof(ProbeProcess).Assembly.Location;
        var start = new ProcessStartInfo(Environment.ProcessPath ?? "dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { dll, "--probe", "--meridian", server.ToString(), "--path", path })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment[ProbeRun.KeyVariable] = key;
        return new ProbeProcess(Process.Start(start) ?? throw new InvalidOperationException("The probe process did not start."));
    }

    public IReadOnlyList<ProbeResult> Results
    {
        get
        {
            lock (_gate)
            {
                return [.. _results.OrderBy(r => r.SentAt)];
            }
        }
    }

    /// <summary>The first time after <paramref name="since"/> the probe saw the server turn ready.</summary>
    public async Task<long> ReadyAfterAsync(long since, TimeSpan limit, CancellationToken ct)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                var up = _readiness.FirstOrDefault(r => r.Up && r.At > since);
                if (up.At != 0)
                {
                    return up.At;
                }

                changed = _changed.Task;
            }

            var left = limit - waited.Elapsed;
            if (left <= TimeSpan.Zero || _reading.IsCompleted)
            {
                throw new TimeoutException($"The server was not ready again within {limit.TotalSeconds:0} s.");
            }

            await Task.WhenAny(changed, Task.Delay(left, ct));
        }
    }

    private async Task ReadAsync()
    {
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
        {
            var f = line.Split(' ');
            lock (_gate)
            {
                if (f is ["P", var sent, var micros, var error])
                {
                    _results.Add(new ProbeResult(long.Parse(sent, CultureInfo.InvariantCulture), long.Parse(micros, CultureInfo.InvariantCulture),
                        error == "-" ? null : error.Replace('_', ' ')));
                }
                else if (f is ["R", var up, var at])
                {
                    _readiness.Add((up == "1", long.Parse(at, CultureInfo.InvariantCulture)));
                    _changed.TrySetResult();
                    _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _process.StandardInput.Close();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill();
        }

        await _reading;
        _process.Dispose();
    }
}
