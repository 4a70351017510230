using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Meridian.LoadTest.Storm;

/// <summary>
/// What one client's connection went through, read from the log lines it writes (its public surface: the connection
/// itself is internal to the client library): each session established, lost or closed by the server, and each
/// failed connect. The awaitable <see cref="NextConnect"/> and <see cref="NextLoss"/> complete on the next such event.
/// </summary>
internal sealed class ConnectionEvents : ILoggerProvider, ILogger
{
    private const string Category = "Meridian.Client.Connection.MeridianConnection";
    private readonly Lock _gate = new();
    private TaskCompletionSource<long> _connect = New();
    private TaskCompletionSource<long> _loss = New();
    private int _failedConnects;
    private int _connects;
    private int _silences;

    /// <summary>Connects that failed since the last <see cref="Rearm"/>.</summary>
    public int FailedConnects => Volatile.Read(ref _failedConnects);

    /// <summary>Sessions established since the last <see cref="Rearm"/> (more than one: the client lost a new session again).</summary>
    public int Connects => Volatile.Read(ref _connects);

    /// <summary>Sessions the client itself gave up on since the last <see cref="Rearm"/>, the server silent past its ping deadline.</summary>
    public int Silences => Volatile.Read(ref _silences);

    /// <summary>The Stopwatch timestamp of the next session established from now on.</summary>
    public Task<long> NextConnect
    {
        get
        {
            lock (_gate)
            {
                return _connect.Task;
            }
        }
    }

    /// <summary>The Stopwatch timestamp of the next session lost (the stream failed, or the server closed it).</summary>
    public Task<long> NextLoss
    {
        get
        {
            lock (_gate)
            {
                return _loss.Task;
            }
        }
    }

    /// <summary>Starts watching for the next connect and loss afresh, and counts failed connects from zero.</summary>
    public void Rearm()
    {
        lock (_gate)
        {
            _connect = New();
            _loss = New();
            Volatile.Write(ref _failedConnects, 0);
            Volatile.Write(ref _connects, 0);
            Volatile.Write(ref _silences, 0);
        }
    }

    public ILogger CreateLogger(string categoryName) => categoryName == Category ? this : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var now = Stopwatch.GetTimestamp();
        switch (eventId.Name)
        {
            case "LogConnected":
                Interlocked.Increment(ref _connects);
                Complete(ref _connect, now);
                break;
            case "LogSilent":
                Interlocked.Increment(ref _silences);
                Complete(ref _loss, now);
                break;
            case "LogLost" or "LogServerClosed":
                Complete(ref _loss, now);
                break;
            case "LogConnectFailed" or "LogRefused" or "LogUntrusted":
                Interlocked.Increment(ref _failedConnects);
                break;
        }
    }

    private void Complete(ref TaskCompletionSource<long> source, long now)
    {
        lock (_gate)
        {
            source.TrySetResult(now);
        }
    }

    private static TaskCompletionSource<long> New() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Dispose()
    {
    }
}
