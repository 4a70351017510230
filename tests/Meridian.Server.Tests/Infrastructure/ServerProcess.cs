using Meridian.Testing;

namespace Meridian.Server.Tests.Infrastructure;

/// <summary>
/// The real server as a separate OS process (<c>dotnet Meridian.Server.dll</c>) on a free port, so tests can do to it
/// what production does: kill it with SIGKILL and start it again on the same data.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly ChildProcess _process;

    private ServerProcess(ChildProcess process, Uri baseAddress, Uri grpcAddress, string token)
    {
        _process = process;
        BaseAddress = baseAddress;
        GrpcAddress = grpcAddress;
        Token = token;
        Client = TestAuth.ClientWith(baseAddress, token);
    }

    /// <summary>The administrator's bearer token.</summary>
    public string Token { get; }

    public Uri BaseAddress { get; }

    /// <summary>Where clients open their persistent connection (gRPC, HTTP/2 only).</summary>
    public Uri GrpcAddress { get; }
    public HttpClient Client { get; }
    public int ProcessId => _process.Id;

    /// <summary>Everything the server has written so far, for a failure's message.</summary>
    public string Output => _process.Output;

    public static async Task<ServerProcess> StartAsync(string dataDirectory, CancellationToken cancellationToken, params string[] extraArgs)
    {
        var process = ChildProcess.StartDotnet(
            "Meridian.Server.dll",
            ["--urls", "http://127.0.0.1:0", "--Meridian:Grpc:Port=0", $"--Meridian:Storage:Sqlite:DataDirectory={dataDirectory}", TestAuth.AdminPasswordArgument, TestAuth.SigningKeyArgument, .. extraArgs]);
        try
        {
            // The server's own line, not Kestrel's "Now listening on", which also lists the client-connection port.
            var listening = await process.WaitForAsync(@"Meridian HTTP API .* on (http://[^\s;]+)", TimeSpan.FromSeconds(60), cancellationToken);
            var address = new Uri(listening.Groups[1].Value);
            var grpc = await process.WaitForAsync(@"Meridian client connections \(gRPC, HTTP/2\) on (\S+)", TimeSpan.FromSeconds(5), cancellationToken);
            using var login = new HttpClient();
            return new ServerProcess(process, address, new Uri($"http://{grpc.Groups[1].Value}"), await TestAuth.LoginAsync(login, address, cancellationToken));
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    /// <summary>Completes with the first line of the server's output (past or future) that matches.</summary>
    public Task<System.Text.RegularExpressions.Match> WaitForLogAsync(string pattern, CancellationToken cancellationToken) =>
        _process.WaitForAsync(pattern, TimeSpan.FromSeconds(30), cancellationToken);

    /// <summary>SIGKILL: no shutdown hooks, no flushing; whatever was acknowledged must already be on disk.</summary>
    public Task KillAsync() => _process.KillAsync();

    /// <summary>Sends a signal by name (<c>STOP</c> freezes the process as a hung node; <c>CONT</c> thaws it).</summary>
    public Task SignalAsync(string signal) => _process.SignalAsync(signal);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _process.DisposeAsync();
    }
}
