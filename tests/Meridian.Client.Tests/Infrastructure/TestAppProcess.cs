using Meridian.Testing;

namespace Meridian.Client.Tests.Infrastructure;

/// <summary>The test app as a real child process (<c>dotnet Meridian.Client.TestApp.dll</c>), so a test can SIGKILL it.</summary>
public sealed class TestAppProcess : IAsyncDisposable
{
    private readonly ChildProcess _process;

    private TestAppProcess(ChildProcess process) => _process = process;

    public static async Task<TestAppProcess> StartAsync(string server, string service, string snapshotDirectory)
    {
        var process = ChildProcess.StartDotnet(
            "Meridian.Client.TestApp.dll",
            "--urls", "http://127.0.0.1:0", $"--Meridian:ServerAddresses:0={server}", $"--Meridian:ServiceName={service}",
            $"--Meridian:Discovery:SnapshotDirectory={snapshotDirectory}", "--Logging:LogLevel:Default=Warning",
            $"--Meridian:AccessKey={TestTokens.AdminToken}");
        try
        {
            await process.WaitForAsync("test-app started", TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
            return new TestAppProcess(process);
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    /// <summary>SIGKILL: no shutdown hooks, no deregistration, the socket just dies.</summary>
    public Task KillAsync() => _process.KillAsync();

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
