using System.Net;
using Meridian.Naming;
using Meridian.Protocols.Eureka.Registry;
using Meridian.Server.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Meridian.Server.Tests.Protocols.Eureka;

public sealed class EurekaLeaseTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly ServiceKey Orders = new("public", "DEFAULT_GROUP", "orders");

    [Fact]
    public async Task A_silent_instance_expires_at_one_lease_duration_not_two()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await TestServer.StartAsync(time, cancellationToken: Ct);
        var registry = server.Get<RegistryProjection>();
        await server.Client.EurekaRegisterAsync("orders", EurekaHttp.InstanceJson("orders", "o-1", extra: ""","leaseInfo":{"renewalIntervalInSecs":10,"durationInSecs":30}"""), Ct);

        time.Advance(TimeSpan.FromSeconds(29.9));
        await server.Get<RegistryCommands>().SweepExpiredAsync(Ct);
        Assert.Equal("UP", (string?)(await server.Client.EurekaAppsAsync(Ct)).Instances().Single()["status"]);

        var removed = registry.Changes.WaitAsync(c => c.Key == Orders && c.Snapshot.Instances.IsEmpty, Ct);
        time.Advance(TimeSpan.FromSeconds(0.2));
        await removed;

        Assert.Empty((await server.Client.EurekaAppsAsync(Ct))["application"]!.AsArray());
        Assert.Equal(HttpStatusCode.NotFound, await server.Client.SendAsync(HttpMethod.Put, "/eureka/apps/ORDERS/o-1", Ct));
        var delta = await server.Client.EurekaAppsAsync(Ct, "/eureka/apps/delta");
        Assert.Equal("DELETED", (string?)delta.Instances().Single()["actionType"]);
    }

    [Fact]
    public async Task Renewals_keep_an_instance_past_its_lease_duration()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await TestServer.StartAsync(time, cancellationToken: Ct);
        var registry = server.Get<RegistryProjection>();
        await server.Client.EurekaRegisterAsync("orders", EurekaHttp.InstanceJson("orders", "o-1", extra: ""","leaseInfo":{"durationInSecs":30}"""), Ct);

        for (var i = 0; i < 6; i++)
        {
            time.Advance(TimeSpan.FromSeconds(20));
            Assert.Equal(HttpStatusCode.OK, await server.Client.SendAsync(HttpMethod.Put, "/eureka/apps/ORDERS/o-1", Ct));
            await server.Get<RegistryCommands>().SweepExpiredAsync(Ct);
        }

        Assert.Single(registry.GetService(Orders)!.Instances);
    }

    [Fact]
    public async Task Lease_defaults_are_ninety_seconds_and_recorded_in_preserved_metadata()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        await server.Client.EurekaRegisterAsync("orders", EurekaHttp.InstanceJson("orders", "o-1"), Ct);
        var instance = Assert.Single(server.Get<RegistryProjection>().GetService(Orders)!.Instances);
        Assert.Equal("90000", instance.Metadata[PreservedMetadata.HeartbeatTimeout]);
        Assert.Equal("90000", instance.Metadata[PreservedMetadata.DeleteTimeout]);
        Assert.Equal("30000", instance.Metadata[PreservedMetadata.HeartbeatInterval]);
    }

    [Fact]
    public async Task Self_preservation_is_off_by_default_and_engages_when_renewals_stop_if_switched_on()
    {
        await using (var plain = await TestServer.StartAsync(cancellationToken: Ct))
        {
            await plain.Client.EurekaRegisterAsync("orders", EurekaHttp.InstanceJson("orders", "o-1"), Ct);
            var preservation = plain.Get<EurekaSelfPreservation>();
            Assert.False(preservation.Engaged);
        }

        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await TestServer.StartAsync(time, new Dictionary<string, string?> { ["Meridian:Eureka:SelfPreservation"] = "true" }, cancellationToken: Ct);
        await server.Client.EurekaRegisterAsync("orders", EurekaHttp.InstanceJson("orders", "o-1", extra: ""","leaseInfo":{"durationInSecs":30}"""), Ct);
        var guard = server.Get<EurekaSelfPreservation>();
        var registry = server.Get<RegistryProjection>();

        // No renewal for 25 s: far below the 2 a minute expected, so the server renews the lease itself.
        time.Advance(TimeSpan.FromSeconds(25));
        guard.Evaluate();
        Assert.True(guard.Engaged);
        time.Advance(TimeSpan.FromSeconds(25));
        await server.Get<RegistryCommands>().SweepExpiredAsync(Ct);
        Assert.Single(registry.GetService(Orders)!.Instances);
    }
}
