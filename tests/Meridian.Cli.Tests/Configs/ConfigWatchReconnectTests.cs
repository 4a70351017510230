using System.Net.Http.Json;
using Meridian.Cli.Tests.Infrastructure;
using Meridian.Testing;

namespace Meridian.Cli.Tests.Configs;

public sealed class ConfigWatchReconnectTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Watch_waits_out_a_server_restart_and_reports_the_publish_made_after_it()
    {
        var root = Directory.CreateTempSubdirectory("meridian-cli-watch-").FullName;
        try
        {
            var port = FreePort();
            var address = new Uri($"http://127.0.0.1:{port}/");
            var first = await StartServerAsync(root, port);
            string token;
            using (var login = new HttpClient())
            {
                token = await TestAuth.LoginAsync(login, address, Ct);
            }

            using var admin = TestAuth.ClientWith(address, token);
            using (var created = await admin.PutAsJsonAsync("/v1/namespaces/public/groups/DEFAULT_GROUP/configs/restart.txt", new { content = "before" }, Ct))
            {
                Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync(Ct));
            }

            var environment = new Dictionary<string, string> { ["HOME"] = root, ["MERIDIAN_SERVER"] = address.ToString(), ["MERIDIAN_TOKEN"] = token };
            await using var watch = ChildProcess.Start("dotnet", [CliRun.Dll, "cfg", "watch", "restart.txt", "--count", "1", "-o", "json"], environment);
            await watch.WaitForAsync("Watching restart.txt", TimeSpan.FromSeconds(30), Ct);

            await first.DisposeAsync();
            await watch.WaitForAsync("Retrying until it answers", TimeSpan.FromSeconds(10), Ct);

            await using var second = await StartServerAsync(root, port);
            using (var published = await admin.PutAsJsonAsync("/v1/namespaces/public/groups/DEFAULT_GROUP/configs/restart.txt", new { content = "after" }, Ct))
            {
                Assert.True(published.IsSuccessStatusCode, await published.Content.ReadAsStringAsync(Ct));
            }

            await watch.WaitForExitAsync(TimeSpan.FromSeconds(30), Ct);
            Assert.True(watch.ExitCode == 0, watch.Output);
            Assert.Contains("Reconnected to " + address, watch.Output, StringComparison.Ordinal);
            Assert.Contains("\"event\":\"changed\"", watch.Output, StringComparison.Ordinal);
            Assert.Contains("\"content\":\"after\"", watch.Output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static async Task<ChildProcess> StartServerAsync(string root, int port)
    {
        var server = ChildProcess.Start("dotnet",
        [
            CliRun.Dll, "server", "--urls", $"http://127.0.0.1:{port}", "--Meridian:Grpc:Port=0",
            $"--Meridian:Storage:Sqlite:DataDirectory={Path.Combine(root, "data")}", TestAuth.AdminPasswordArgument, TestAuth.SigningKeyArgument,
        ]);
        await server.WaitForAsync("Meridian HTTP API", TimeSpan.FromSeconds(60), Ct);
        return server;
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
