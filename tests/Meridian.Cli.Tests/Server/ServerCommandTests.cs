using Meridian.Cli.Tests.Infrastructure;
using Meridian.Testing;

namespace Meridian.Cli.Tests.Server;

public sealed class ServerCommandTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Server_runs_with_the_server_settings_and_stops_gracefully_on_a_signal()
    {
        var data = Directory.CreateTempSubdirectory("meridian-cli-server-").FullName;
        try
        {
            await using var server = ChildProcess.Start("dotnet",
                [CliRun.Dll, "server", "--urls", "http://127.0.0.1:0", "--Meridian:Grpc:Port=0", $"--Meridian:Storage:Sqlite:DataDirectory={data}", TestAuth.AdminPasswordArgument]);
            var listening = await server.WaitForAsync(@"Meridian HTTP API .* on (http://[^\s;]+)", TimeSpan.FromSeconds(60), Ct);
            await server.WaitForAsync("Meridian data lives in " + System.Text.RegularExpressions.Regex.Escape(data), TimeSpan.FromSeconds(5), Ct);

            var environment = new Dictionary<string, string>
            {
                ["HOME"] = data,
                ["MERIDIAN_SERVER"] = listening.Groups[1].Value,
                ["MERIDIAN_USERNAME"] = "admin",
                ["MERIDIAN_PASSWORD"] = TestAuth.AdminPassword,
            };
            Assert.Contains("public", CliAssert.Ok(await CliRun.RunAsync(["ns", "ls"], environment, null, Ct)).Stdout, StringComparison.Ordinal);

            await server.SignalAsync("TERM");
            await server.WaitForExitAsync(TimeSpan.FromSeconds(20), Ct);
            Assert.True(server.ExitCode == 0, server.Output);
            Assert.Contains("Application is shutting down", server.Output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}
