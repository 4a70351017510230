using System.Net;
using Meridian.Server.Tests.Infrastructure;

namespace Meridian.Server.Tests.Api.Config;

public sealed class ConfigDurabilityTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Config_publish_acknowledged_with_200_survives_SIGKILL_with_its_history()
    {
        var data = TestServer.NewDataDirectory();
        try
        {
            string md5;
            await using (var first = await ServerProcess.StartAsync(data, Ct))
            {
                await first.Client.PublishAsync("orders.yaml", "pool: 10\n");
                var second = await first.Client.PutConfigAsync("orders.yaml", new { content = "pool: 20\n" });
                md5 = (await second.ReadAsync<ConfigWire.ConfigDto>()).Md5;
                await first.KillAsync();
            }

            await using var restarted = await ServerProcess.StartAsync(data, Ct);
            var raw = await restarted.Client.GetAsync(ConfigWire.Path("orders.yaml"), Ct);
            Assert.Equal(HttpStatusCode.OK, raw.StatusCode);
            Assert.Equal("pool: 20\n", await raw.Content.ReadAsStringAsync(Ct));
            Assert.Equal($"\"{md5}\"", raw.Headers.ETag?.Tag);
            var history = await (await restarted.Client.GetAsync(ConfigWire.Path("orders.yaml") + "/history", Ct)).ReadAsync<ConfigWire.HistoryPageDto>();
            Assert.Equal([2L, 1L], history.Items.Select(i => i.Version));
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}
