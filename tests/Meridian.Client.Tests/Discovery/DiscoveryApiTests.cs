using Meridian.Client.Tests.Infrastructure;

namespace Meridian.Client.Tests.Discovery;

public sealed class DiscoveryApiTests
{
    [Fact]
    public async Task An_invalid_service_name_is_refused_at_once_saying_what_is_allowed()
    {
        await using var app = await ClientApp.StartAsync("app", ["127.0.0.1:1"]);
        var error = await Assert.ThrowsAsync<ArgumentException>(async () => await app.Discovery.GetInstancesAsync("orders/v2", TestContext.Current.CancellationToken));
        Assert.Contains("letters, digits", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Change_subscribers_hear_every_new_list_until_they_unsubscribe()
    {
        await using var server = await ServerHost.StartAsync();
        await using var watcher = await ClientApp.StartAsync("watcher", [server.ClientAddress]);
        var heard = new List<int>();
        var two = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var subscription = watcher.Discovery.Subscribe("heard", list =>
        {
            lock (heard)
            {
                heard.Add(list.Serving.Count);
            }

            if (list.Serving.Count == 2)
            {
                two.TrySetResult();
            }
        });
        await using var a = await ClientApp.StartAsync("a", [server.ClientAddress], "heard");
        await using var b = await ClientApp.StartAsync("b", [server.ClientAddress], "heard");
        await two.Task.WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);
        subscription.Dispose();
        int count;
        lock (heard)
        {
            count = heard.Count;
        }

        await b.StopAsync();
        await watcher.Discovery.WaitForServingAsync("heard", 1);
        lock (heard)
        {
            Assert.Equal(count, heard.Count);
            Assert.Equal(2, heard[^1]);
        }
    }
}
