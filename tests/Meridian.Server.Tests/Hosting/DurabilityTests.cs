using System.Net.Http.Json;
using Meridian.Testing;
using Meridian.Server.Tests.Infrastructure;

namespace Meridian.Server.Tests.Hosting;

public sealed class DurabilityTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Persistent_instance_acknowledged_as_created_survives_SIGKILL()
    {
        var data = TestServer.NewDataDirectory();
        try
        {
            await using (var first = await ServerProcess.StartAsync(data, Ct))
            {
                var response = await first.Client.PostAsJsonAsync(
                    Paths.Instances("orders"), new { ip = "10.1.2.3", port = 9000, ephemeral = false, weight = 3 }, Ct);
                Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
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

    [Fact]
    public async Task Every_acknowledged_publish_survives_SIGKILL_in_the_middle_of_a_thousand_from_sixteen_clients()
    {
        const int Clients = 16;
        const int PerClient = 63;
        var data = TestServer.NewDataDirectory();
        try
        {
            var acknowledged = new System.Collections.Concurrent.ConcurrentDictionary<string, (string Content, long Version)>();
            await using (var first = await ServerProcess.StartAsync(data, Ct))
            {
                var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                var writers = Enumerable.Range(0, Clients).Select(c => Task.Run(async () =>
                {
                    // One connection per client, as sixteen separate applications would have.
                    using var client = TestAuth.ClientWith(first.BaseAddress, first.Token);
                    for (var n = 0; n < PerClient; n++)
                    {
                        var dataId = $"c{c}-{n}.properties";
                        var content = $"client={c}\nn={n}\n";
                        try
                        {
                            var response = await client.PutAsJsonAsync($"/v1/namespaces/public/groups/DEFAULT_GROUP/configs/{dataId}", new { content }, Ct);
                            if (response.StatusCode == System.Net.HttpStatusCode.Created)
                            {
                                var body = await response.Content.ReadFromJsonAsync<Api.Config.ConfigWire.ConfigDto>(Ct);
                                acknowledged[dataId] = (content, body!.Version);
                                if (acknowledged.Count >= 300)
                                {
                                    enough.TrySetResult();
                                }
                            }
                        }
                        catch (HttpRequestException)
                        {
                            return;
                        }
                    }
                }, Ct)).ToList();

                await enough.Task.WaitAsync(TimeSpan.FromSeconds(60), Ct);
                await first.KillAsync();
                await Task.WhenAll(writers);
            }

            Assert.InRange(acknowledged.Count, 300, Clients * PerClient - 1);
            await using var second = await ServerProcess.StartAsync(data, Ct);
            foreach (var (dataId, (content, version)) in acknowledged)
            {
                var stored = await (await second.Client.GetAsync($"/v1/namespaces/public/groups/DEFAULT_GROUP/configs/{dataId}?format=json", Ct))
                    .ReadAsync<Api.Config.ConfigWire.ConfigDto>();
                Assert.Equal((content, version), (stored.Content, stored.Version));
            }
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}
