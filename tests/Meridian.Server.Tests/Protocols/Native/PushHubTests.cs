using Meridian.Auth;
using Meridian.Naming;
using Meridian.Protocols.Native;
using Meridian.Server.Tests.Infrastructure;

namespace Meridian.Server.Tests.Protocols.Native;

public sealed class PushHubTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task One_change_is_serialized_once_and_the_same_frame_goes_to_every_subscriber()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        var hub = server.Get<PushHub>();
        var registry = server.Get<RegistryProjection>();
        var key = new ServiceKey("public", "DEFAULT_GROUP", "shared");
        using var one = new ClientConnection("one", "t", "peer", Meridian.Auth.Caller.System, 16, 0, Ct);
        using var two = new ClientConnection("two", "t", "peer", Meridian.Auth.Caller.System, 16, 0, Ct);
        hub.SubscribeService(one, key);
        hub.SubscribeService(two, key);
        await one.Outbox.DequeueAsync(Ct);
        await two.Outbox.DequeueAsync(Ct);

        await server.Get<RegistryCommands>().RegisterAsync(key, new InstanceRegistration { Ip = "10.0.0.1", Port = 80 }, Caller.System, Ct);
        var first = await one.Outbox.DequeueAsync(Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(5), Ct);
        var second = await two.Outbox.DequeueAsync(Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(5), Ct);

        Assert.Same(first, second);
    }

    [Fact]
    public async Task Unsubscribed_connections_get_nothing_and_the_topic_is_dropped()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        var hub = server.Get<PushHub>();
        var key = new ServiceKey("public", "DEFAULT_GROUP", "gone");
        using var one = new ClientConnection("one", "t", "peer", Meridian.Auth.Caller.System, 16, 0, Ct);
        hub.SubscribeService(one, key);
        Assert.Equal(1, hub.SubscriberCount(PushTopic.Service(key)));

        hub.UnsubscribeAll(one);

        Assert.Equal(0, hub.SubscriberCount(PushTopic.Service(key)));
    }
}
