using Meridian.Testing;
using System.Net;
using System.Net.Sockets;

namespace Meridian.Samples.Tests;

public sealed class DemoScriptTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Demo_starts_everything_and_ctrl_c_leaves_no_process_behind()
    {
        var script = Path.Combine(RepositoryRoot(), "samples", "demo.sh");
        var ports = FreePorts(6);
        await using var demo = ChildProcess.Start("bash", [script], new Dictionary<string, string>
        {
            ["MERIDIAN_DEMO_BIN"] = AppContext.BaseDirectory,
            ["MERIDIAN_HTTP_PORT"] = ports[0].ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["MERIDIAN_GRPC_PORT"] = ports[1].ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["USER_PORTS"] = $"{ports[2]} {ports[3]} {ports[4]}",
            ["ORDER_PORT"] = ports[5].ToString(System.Globalization.CultureInfo.InvariantCulture),
        });

        var started = await demo.WaitForAsync(@"^Processes: ([\d ]+)$", TimeSpan.FromMinutes(2), Ct);
        var children = started.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToList();
        Assert.Equal(5, children.Count);

        using var http = new HttpClient();
        var order = await http.GetAsync($"http://127.0.0.1:{ports[5]}/order/101", Ct);
        Assert.Equal(HttpStatusCode.OK, order.StatusCode);

        await demo.SignalAsync("INT");
        await demo.WaitForExitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Contains("Demo stopped.", demo.Output, StringComparison.Ordinal);
        Assert.All(children, pid => Assert.False(IsAlive(pid), $"process {pid} outlived the demo"));
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
