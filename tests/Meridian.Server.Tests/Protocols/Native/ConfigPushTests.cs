using Meridian.Auth;
using Meridian.Config;
using Meridian.Contracts.V1;
using Meridian.Server.Tests.Infrastructure;

namespace Meridian.Server.Tests.Protocols.Native;

public sealed class ConfigPushTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Config_subscriber_gets_the_current_state_then_each_publish_and_the_delete()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        var configs = server.Get<ConfigService>();
        var key = new ConfigKey("public", "DEFAULT_GROUP", "app.json");
        await using var watcher = await RawConnection.OpenAsync(server, "config-watcher", Ct);

        var ack = await watcher.RequestAsync(new ClientMessage { SubscribeConfig = new SubscribeConfig { Config = new ConfigRef { DataId = "app.json" } } }, Ct);
        Assert.True(ack.Ok, ack.ErrorMessage);
        var missing = (await NextConfigAsync(watcher)).ConfigPush;
        Assert.True(missing.Removed);

        await configs.PublishAsync(key, new ConfigDraft("{\"a\":1}"), Caller.System, Ct);
        var first = (await NextConfigAsync(watcher)).ConfigPush;
        Assert.Equal(("{\"a\":1}", "json", false), (first.Content, first.ContentType, first.Removed));
        Assert.True(first.Revision > missing.Revision);

        await configs.PublishAsync(key, new ConfigDraft("{\"a\":2}"), Caller.System, Ct);
        var second = (await NextConfigAsync(watcher)).ConfigPush;
        Assert.Equal("{\"a\":2}", second.Content);
        Assert.True(second.Revision > first.Revision);

        await configs.DeleteAsync(key, Caller.System, Ct);
        var deleted = (await NextConfigAsync(watcher)).ConfigPush;
        Assert.True(deleted.Removed);
        Assert.True(deleted.Revision > second.Revision);
    }

    [Fact]
    public async Task Subscribing_to_an_invalid_data_id_is_answered_with_what_to_fix()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        await using var watcher = await RawConnection.OpenAsync(server, "config-watcher", Ct);
        var ack = await watcher.RequestAsync(new ClientMessage { SubscribeConfig = new SubscribeConfig { Config = new ConfigRef { DataId = "bad id!" } } }, Ct);
        Assert.False(ack.Ok);
        Assert.Equal("invalid_input", ack.ErrorCode);
    }

    private static Task<ServerMessage> NextConfigAsync(RawConnection connection) =>
        connection.NextAsync(m => m.BodyCase == ServerMessage.BodyOneofCase.ConfigPush, Ct);
}
