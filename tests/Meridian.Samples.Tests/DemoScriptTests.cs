using Meridian.Testing;
using System.Net;
using System.Net.Sockets;

namespace Meridian.Samples.Tests;

public sealed class DemoScriptTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Demo_starts_everything_restarts_one_service_on_request_and_ctrl_c_leaves_no_process_behind()
    {
        var script = Path.Combine(RepositoryRoot(), "samples", "demo.sh");
        var ports = FreePorts(6);
        var environment = new Dictionary<string, string>
        {
            ["MERIDIAN_DEMO_BIN"] = AppContext.BaseDirectory,
            ["MERIDIAN_HTTP_PORT"] = ports[0].ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["MERIDIAN_GRPC_PORT"] = ports[1].ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["USER_PORTS"] = $"{ports[2]} {ports[3]} {ports[4]}",
            ["ORDER_PORT"] = ports[5].ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        await using var demo = ChildProcess.Start("bash", [script], environment);

        var started = await demo.WaitForAsync(@"^Processes: ([\d ]+)$", TimeSpan.FromMinutes(2), Ct);
        var children = started.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToList();
        Assert.Equal(5, children.Count);

        using var http = new HttpClient();
        var order = await http.GetAsync($"http://127.0.0.1:{ports[5]}/order/101", Ct);
        Assert.Equal(HttpStatusCode.OK, order.StatusCode);

        // A second shell stops one user-service, then starts it again with the same settings.
        var firstUser = $"http://127.0.0.1:{ports[2]}/user/1";
        var stopped = await RunAsync(script, environment, "stop", "userservice-1");
        Assert.Contains("stopped userservice-1", stopped, StringComparison.Ordinal);
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(firstUser, Ct));
        var restarted = await RunAsync(script, environment, "restart", "userservice-1");
        var pid = int.Parse(System.Text.RegularExpressions.Regex.Match(restarted, @"restarted userservice-1 \(pid (\d+)\)").Groups[1].Value,
            System.Globalization.CultureInfo.InvariantCulture);
        children.Add(pid);
        await Eventually.HoldsAsync(async () =>
        {
            try
            {
                return (await http.GetAsync(firstUser, Ct)).IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, "the restarted user-service to answer", TimeSpan.FromSeconds(60));
        Assert.Contains("No service 'nosuch'", await RunAsync(script, environment, "stop", "nosuch"), StringComparison.Ordinal);

        await demo.SignalAsync("INT");
        await demo.WaitForExitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Contains("Demo stopped.", demo.Output, StringComparison.Ordinal);
        Assert.All(children, pid => Assert.False(IsAlive(pid), $"process {pid} outlived the demo"));
    }

    private static async Task<string> RunAsync(string script, Dictionary<string, string> environment, params string[] args)
    {
        await using var command = ChildProcess.Start("bash", [script, .. args], environment);
        await command.WaitForExitAsync(TimeSpan.FromSeconds(60), Ct);
        Assert.True(command.ExitCode == 0, command.Output);
        return command.Output;
    }

    private static bool IsAlive(int pid)
    {
        var stat = $"/proc/{pid}/stat";
        return File.Exists(stat) && !File.ReadAllText(stat).Contains(") Z ", StringComparison.Ordinal);
    }

    private static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        listeners.ForEach(l => l.Start());
        var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        listeners.ForEach(l => l.Stop());
        return ports;
    }

    private static string RepositoryRoot() =>
        typeof(DemoScriptTests).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;
}
