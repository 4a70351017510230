using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Meridian.Client.Discovery;
using Meridian.Client.Tests.Infrastructure;
using Meridian.Testing;

namespace Meridian.Client.Tests.Connection;

/// <summary>The .NET client against a cluster of server processes on one real PostgreSQL: nodes die and hang, apps carry on.</summary>
public sealed class ClusterFailoverTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task When_its_node_is_killed_an_app_registers_again_elsewhere_unseen_by_subscribers_and_an_app_that_died_with_it_goes()
    {
        await using var postgres = await PostgresServer.StartAsync(Ct);
        await using var node1 = await Node.StartAsync(postgres, "node1", FreePort(), FreePort());
        int http2 = FreePort(), grpc2 = FreePort();

        // The provider knows both nodes but only node 1 is up: it lands there. The doomed app knows node 1 alone.
        await using var provider = await ClientApp.StartAsync("provider", [node1.ClientAddress, $"127.0.0.1:{grpc2}"], "orders");
        await using var doomed = await ClientApp.StartAsync("doomed", [node1.ClientAddress], "orders");
        await using (var early = await ClientApp.StartAsync("early-watcher", [node1.ClientAddress]))
        {
            // Both registered before node 2 starts: node 2 learns them, and who holds them, from the stored rows.
            await early.Discovery.WaitForServingAsync("orders", 2);
        }

        await using var node2 = await Node.StartAsync(postgres, "node2", http2, grpc2);
        await using var watcher = await ClientApp.StartAsync("watcher", [node2.ClientAddress]);
        await watcher.Discovery.WaitForServingAsync("orders", 2);
        var lists = new ConcurrentQueue<ServiceInstances>();
        using var watching = watcher.Discovery.Subscribe("orders", lists.Enqueue);

        var killed = Stopwatch.StartNew();
        await node1.Process.KillAsync();

        // The leader (node 2) removes what node 1's sessions still held once node 1's lease has run out past its grace:
        // the doomed app's instance; the provider's is by then held by its new session on node 2.
        var released = await node2.Process.WaitForAsync(@"Removed (\d+) instance\(s\) held by node node1", TimeSpan.FromSeconds(30), Ct);
        Assert.Equal("1", released.Groups[1].Value);
        var gone = await watcher.Discovery.WaitForServingAsync("orders", 1, TimeSpan.FromSeconds(30));
        Assert.True(killed.Elapsed < TimeSpan.FromSeconds(30), $"The dead app was listed {killed.Elapsed.TotalSeconds:F1} s after its node died.");
        Assert.Equal(provider.Port, Assert.Single(gone.Serving).Port);
        Assert.All(lists, list => Assert.Contains(list.Serving, i => i.Port == provider.Port));
    }

    [Fact]
    public async Task When_its_node_hangs_an_app_moves_to_another_within_5_s()
    {
        await using var postgres = await PostgresServer.StartAsync(Ct);
        await using var node1 = await Node.StartAsync(postgres, "node1", FreePort(), FreePort());
        int http2 = FreePort(), grpc2 = FreePort();
        await using var provider = await ClientApp.StartAsync("provider", [node1.ClientAddress, $"127.0.0.1:{grpc2}"], "orders");
        await using var node2 = await Node.StartAsync(postgres, "node2", http2, grpc2);
        await using var watcher = await ClientApp.StartAsync("watcher", [node2.ClientAddress]);
        await watcher.Discovery.WaitForServingAsync("orders", 1);

        var frozen = Stopwatch.StartNew();
        await node1.Process.SignalAsync("STOP");
        try
        {
            // A new subscription made through the provider's connection is answered only once it is on node 2.
            var moved = await provider.Discovery.WaitForServingAsync("orders", 1, TimeSpan.FromSeconds(10));
            Assert.Equal(provider.Port, Assert.Single(moved.Serving).Port);
            Assert.True(frozen.Elapsed < TimeSpan.FromSeconds(5), $"The app took {frozen.Elapsed.TotalSeconds:F1} s to leave the hung node.");
        }
        finally
        {
            await node1.Process.SignalAsync("CONT");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A server process of the cluster, on ports chosen before it starts (so clients can be told of it first).</summary>
    private sealed class Node(ChildProcess process, int grpcPort, string dataDirectory) : IAsyncDisposable
    {
        public ChildProcess Process => process;

        public string ClientAddress => $"127.0.0.1:{grpcPort}";

        public static async Task<Node> StartAsync(PostgresServer postgres, string id, int httpPort, int grpcPort)
        {
            var data = TempDirectory.Create("meridian-node-");
            var process = ChildProcess.StartDotnet("Meridian.Server.dll",
                "--urls", $"http://127.0.0.1:{httpPort.ToString(CultureInfo.InvariantCulture)}", $"--Meridian:Grpc:Port={grpcPort.ToString(CultureInfo.InvariantCulture)}",
                $"--Meridian:Storage:Sqlite:DataDirectory={data}", "--Meridian:Storage:Provider=Postgres",
                $"--Meridian:Storage:Postgres:ConnectionString={postgres.ConnectionString}", $"--Meridian:Node:Id={id}",
                TestAuth.AdminPasswordArgument, TestAuth.SigningKeyArgument);
            try
            {
                await process.WaitForAsync("Meridian HTTP API", TimeSpan.FromSeconds(60), Ct);
                return new Node(process, grpcPort, data);
            }
            catch
            {
                await process.DisposeAsync();
                throw;
            }
        }

        public async ValueTask DisposeAsync()
        {
            await process.DisposeAsync();
            try
            {
                Directory.Delete(dataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // Left to the temp cleaner.
            }
        }
    }
}
