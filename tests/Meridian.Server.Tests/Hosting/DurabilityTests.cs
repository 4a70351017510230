using System.Net.Http.Json;
using Meridian.Server.Tests.Infrastructure;

namespace Meridian.Server.Tests.Hosting;

public sealed class DurabilityTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Persistent_instance_acknowledged_with_200_survives_SIGKILL()
    {
        var data = TestServer.NewDataDirectory();
        try
        {
            await using (var first = await ServerProcess.StartAsync(data, Ct))
            {
                var response = await first.Client.PostAsJsonAsync(
                    Paths.Instances("orders"), new { ip = "10.1.2.3", port = 9000, ephemeral = false, weight = 3 }, Ct);
                Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
                await first.KillAsync();
            }

            await using var second = await ServerProcess.StartAsync(data, Ct);
            var list = await second.Client.ListAsync("orders");
            var instance = Assert.Single(list.Instances);
            Assert.Equal(("10.1.2.3", 9000, 3.0, false), (instance.Ip, instance.Port, instance.Weight, instance.Ephemeral));
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task Ephemeral_instances_do_not_outlive_the_server()
    {
        var data = TestServer.NewDataDirectory();
        try
        {
            await using (var first = await TestServer.StartAsync(dataDirectory: data, cancellationToken: Ct))
            {
                await first.Client.RegisterAsync("svc", new { ip = "10.0.0.1", port = 80 });
                await first.Client.RegisterAsync("svc", new { ip = "10.0.0.2", port = 80, ephemeral = false });
            }

            await using var second = await TestServer.StartAsync(dataDirectory: data, cancellationToken: Ct);
            Assert.Equal("10.0.0.2", Assert.Single((await second.Client.ListAsync("svc")).Instances).Ip);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}
