using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Meridian.Server.Tests.Infrastructure;

namespace Meridian.Server.Tests.Protocols.Nacos;

public sealed class NacosUdpPushTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_client_polling_with_a_udp_port_is_pushed_the_new_list_when_the_service_changes()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        using var receiver = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var udpPort = ((IPEndPoint)receiver.Client.LocalEndPoint!).Port;
        await server.Client.NacosRegisterAsync("pushed", "10.0.0.1", 80, Ct);

        var polled = await server.Client.NacosListAsync("pushed", Ct, $"&clusters=DEFAULT&udpPort={udpPort}&clientIP=192.0.2.1");
        Assert.Equal(10000, (long)polled["cacheMillis"]!);

        await server.Client.NacosRegisterAsync("pushed", "10.0.0.2", 80, Ct);
        var packet = await ReceiveAsync(receiver, p => p["data"]!.ToString().Contains("10.0.0.2", StringComparison.Ordinal));

        Assert.Equal("dom", (string?)packet["type"]);
        var list = JsonNode.Parse((string)packet["data"]!)!;
        Assert.Equal("DEFAULT_GROUP@@pushed", (string?)list["name"]);
        Assert.Equal("DEFAULT", (string?)list["clusters"]);
        Assert.Equal(["10.0.0.1", "10.0.0.2"], list["hosts"]!.AsArray().Select(h => (string?)h!["ip"]).Order());
        Assert.Equal((long)packet["lastRefTime"]!, (long)list["lastRefTime"]!);
    }

    [Fact]
    public async Task Large_lists_are_pushed_gzipped()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        using var receiver = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var udpPort = ((IPEndPoint)receiver.Client.LocalEndPoint!).Port;
        await server.Client.NacosListAsync("big", Ct, $"&udpPort={udpPort}");

        for (var i = 1; i <= 12; i++)
        {
            await server.Client.NacosRegisterAsync("big", $"10.0.1.{i}", 80, Ct);
        }

        var packet = await ReceiveAsync(receiver, p => JsonNode.Parse((string)p["data"]!)!["hosts"]!.AsArray().Count == 12, requireGzip: true);
        Assert.Equal("dom", (string?)packet["type"]);
    }

    private static async Task<JsonNode> ReceiveAsync(UdpClient receiver, Func<JsonNode, bool> wanted, bool requireGzip = false)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        while (true)
        {
            var datagram = await receiver.ReceiveAsync(timeout.Token);
            var bytes = datagram.Buffer;
            var gzipped = bytes.Length > 2 && bytes[0] == 0x1f && bytes[1] == 0x8b;
            if (gzipped)
            {
                using var input = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
                using var output = new MemoryStream();
                await input.CopyToAsync(output, timeout.Token);
                bytes = output.ToArray();
            }

            var packet = JsonNode.Parse(Encoding.UTF8.GetString(bytes))!;
            if (wanted(packet) && (gzipped || !requireGzip))
            {
                return packet;
            }
        }
    }
}
