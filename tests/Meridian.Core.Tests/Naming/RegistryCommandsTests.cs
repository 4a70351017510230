using Meridian.Auth;
using Meridian.Changes;
using Meridian.Core.Tests.Infrastructure;
using Meridian.Naming;
using Meridian.Validation;

namespace Meridian.Core.Tests.Naming;

public sealed class RegistryCommandsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly ServiceKey Svc = new("public", "DEFAULT_GROUP", "svc");

    [Fact]
    public async Task Every_change_raises_the_revision_and_is_published_once()
    {
        await using var core = await CoreHost.StartAsync();
        var changes = new List<ServiceChange>();
        using var subscription = core.Registry.Changes.Subscribe(changes.Add);

        await core.RegisterAsync(Svc, "10.0.0.1");
        await core.RegisterAsync(Svc, "10.0.0.2");
        await core.Commands.UpdateInstanceAsync(Svc, "10.0.0.1#80#DEFAULT#DEFAULT_GROUP@@svc", new InstancePatch { Weight = 5 }, Caller.System, Ct);

        Assert.Equal(3, changes.Count);
        Assert.True(changes.Zip(changes.Skip(1)).All(p => p.Second.Revision > p.First.Revision));
        Assert.Equal(changes[^1].Snapshot, core.Registry.GetService(Svc));
        Assert.Equal(core.Log.Revision, changes[^1].Revision);
    }

    [Fact]
    public async Task Re_registering_an_unchanged_instance_changes_nothing()
    {
        await using var core = await CoreHost.StartAsync();
        await core.RegisterAsync(Svc, "10.0.0.1");
        var before = core.Registry.GetService(Svc)!;
        var logged = core.Store.Log.Count;
        var published = 0;
        using var subscription = core.Registry.Changes.Subscribe(_ => published++);

        await core.RegisterAsync(Svc, "10.0.0.1");

        Assert.Equal(0, published);
        Assert.Same(before, core.Registry.GetService(Svc));
        Assert.Equal(logged, core.Store.Log.Count);
    }

    [Fact]
    public async Task Checksum_follows_content_not_history()
    {
        await using var a = await CoreHost.StartAsync();
        await using var b = await CoreHost.StartAsync();
        await a.Commands.RegisterAsync(Svc, new InstanceRegistration { Ip = "10.0.0.1", Port = 80, Weight = 2 }, Caller.System, Ct);
        await b.Commands.RegisterAsync(Svc, new InstanceRegistration { Ip = "10.0.0.1", Port = 80, Weight = 1 }, Caller.System, Ct);
        Assert.NotEqual(a.Registry.GetService(Svc)!.Checksum, b.Registry.GetService(Svc)!.Checksum);

        await b.Commands.UpdateInstanceAsync(Svc, "10.0.0.1#80#DEFAULT#DEFAULT_GROUP@@svc", new InstancePatch { Weight = 2 }, Caller.System, Ct);
        Assert.Equal(a.Registry.GetService(Svc)!.Checksum, b.Registry.GetService(Svc)!.Checksum);
    }

    [Fact]
    public async Task Checksum_is_the_md5_of_the_documented_instance_lines()
    {
        await using var core = await CoreHost.StartAsync();
        await core.Commands.RegisterAsync(Svc, new InstanceRegistration
        {
            Ip = "10.0.0.1", Port = 80, Metadata = new Dictionary<string, string> { ["zone"] = "ä", ["app"] = "x" },
        }, Caller.System, Ct);
        await core.Commands.RegisterAsync(Svc, new InstanceRegistration { Ip = "10.0.0.2", Port = 81, Weight = 2.5 }, Caller.System, Ct);

        // id|ip|port|weight|healthy enabled ephemeral|cluster|metadata sorted by key, one line per instance, UTF-8.
        Assert.Equal("78035c103926e5243b709a14b1ed321c", core.Registry.GetService(Svc)!.Checksum);
    }

    [Fact]
    public async Task Every_instance_change_reaches_the_log_and_a_restart_keeps_only_persistent_instances()
    {
        var store = new InMemoryChangeStore();
        await using (var first = await CoreHost.StartAsync(store))
        {
            await first.RegisterAsync(Svc, "10.0.0.1");
            await first.RegisterAsync(Svc, "10.0.0.2", ephemeral: false);
            Assert.Equal(2, store.Log.OfType<InstanceSaved>().Count());
        }

        await using var second = await CoreHost.StartAsync(store);
        Assert.Equal("10.0.0.2", Assert.Single(second.Registry.GetService(Svc)!.Instances).Ip);
        var released = Assert.Single(store.Log.OfType<InstanceRemoved>());
        Assert.Equal(("10.0.0.1", InstanceRemovalReason.NodeRestarted), (released.Instance.Ip, released.Reason));
    }

    [Fact]
    public async Task Weight_zero_instance_is_not_serving()
    {
        await using var core = await CoreHost.StartAsync();
        var instance = await core.Commands.RegisterAsync(Svc, new InstanceRegistration { Ip = "10.0.0.1", Port = 80, Weight = 0 }, Caller.System, Ct);
        Assert.False(instance.IsServing);
    }

    [Fact]
    public async Task Changes_to_one_service_do_not_touch_another()
    {
        await using var core = await CoreHost.StartAsync();
        var other = Svc with { Name = "other" };
        await core.RegisterAsync(other, "10.0.0.1");
        var before = core.Registry.GetService(other);

        await Parallel.ForAsync(0, 200, Ct, async (i, ct) =>
            await core.Commands.RegisterAsync(Svc, new InstanceRegistration { Ip = $"10.1.{i / 200}.{i % 200 + 1}", Port = 80 }, Caller.System, ct));

        Assert.Equal(200, core.Registry.GetService(Svc)!.Instances.Length);
        Assert.Same(before, core.Registry.GetService(other));
    }

    [Fact]
    public async Task Expiry_of_a_silent_ephemeral_instance_leaves_persistent_and_connection_held_neighbours_alone()
    {
        await using var core = await CoreHost.StartAsync();
        await core.RegisterAsync(Svc, "10.0.0.1");
        await core.RegisterAsync(Svc, "10.0.0.2", ephemeral: false);
        await core.RegisterAsync(Svc, "10.0.0.3", owner: "connection-1");

        core.Time.Advance(TimeSpan.FromSeconds(16));
        await core.Commands.SweepExpiredAsync(Ct);
        var afterTimeout = core.Registry.GetService(Svc)!.Instances.ToDictionary(i => i.Ip, i => i.Healthy);
        Assert.Equal(new Dictionary<string, bool> { ["10.0.0.1"] = false, ["10.0.0.2"] = true, ["10.0.0.3"] = true }, afterTimeout);

        core.Time.Advance(TimeSpan.FromSeconds(15));
        await core.Commands.SweepExpiredAsync(Ct);
        Assert.Equal(["10.0.0.2", "10.0.0.3"], core.Registry.GetService(Svc)!.Instances.Select(i => i.Ip).Order());
        Assert.All(core.Registry.GetService(Svc)!.Instances, i => Assert.True(i.Healthy));
    }

    [Fact]
    public async Task A_heartbeat_revives_an_instance_marked_unhealthy()
    {
        await using var core = await CoreHost.StartAsync();
        var instance = await core.RegisterAsync(Svc, "10.0.0.1");
        core.Time.Advance(TimeSpan.FromSeconds(16));
        await core.Commands.SweepExpiredAsync(Ct);
        Assert.False(core.Registry.GetService(Svc)!.Find(instance.InstanceId)!.Healthy);

        Assert.True(await core.Commands.HeartbeatAsync(Svc, instance.InstanceId, Caller.System, Ct));
        Assert.True(core.Registry.GetService(Svc)!.Find(instance.InstanceId)!.Healthy);
    }

    [Fact]
    public async Task Releasing_a_session_removes_only_the_instances_it_still_owns()
    {
        await using var core = await CoreHost.StartAsync();
        await core.RegisterAsync(Svc, "10.0.0.1", owner: "node/a");
        await core.RegisterAsync(Svc, "10.0.0.2", owner: "node/a");
        await core.RegisterAsync(Svc, "10.0.0.2", owner: "node/b");

        Assert.Equal(1, await core.Commands.ReleaseOwnerAsync("node/a", Ct));

        Assert.Equal("10.0.0.2", Assert.Single(core.Registry.GetService(Svc)!.Instances).Ip);
        Assert.Equal("node/b", core.Leases.Find(Svc, "10.0.0.2#80#DEFAULT#DEFAULT_GROUP@@svc")!.Owner);
    }

    [Fact]
    public async Task Unknown_namespace_is_refused()
    {
        await using var core = await CoreHost.StartAsync();
        await Assert.ThrowsAsync<NotFoundException>(() => core.RegisterAsync(Svc with { Namespace = "nope" }, "10.0.0.1"));
    }

    [Fact]
    public async Task Deleting_a_service_that_gained_an_instance_meanwhile_is_a_conflict_and_keeps_its_settings()
    {
        await using var core = await CoreHost.StartAsync();
        await core.Commands.UpsertServiceAsync(Svc, new ServiceDefinition { ProtectThreshold = 0.5 }, Caller.System, Ct);

        // The registration is committed in the same batch, ahead of the delete that read the service empty.
        core.Store.Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var blocker = core.RegisterAsync(Svc with { Name = "elsewhere" }, "10.9.9.9");
        var registered = core.RegisterAsync(Svc, "10.0.0.1");
        var deleted = core.Commands.DeleteServiceAsync(Svc, Caller.System, Ct);
        core.Store.Hold.SetResult();
        core.Store.Hold = null;
        await Task.WhenAll(blocker, registered);

        await Assert.ThrowsAsync<ConflictException>(() => deleted);
        Assert.Equal(0.5, core.Registry.GetService(Svc)!.Definition.ProtectThreshold);
    }

    [Fact]
    public async Task A_failed_store_write_leaves_no_empty_ghost_service()
    {
        await using var core = await CoreHost.StartAsync();
        core.Store.FailWrites = true;

        await Assert.ThrowsAsync<StorageUnavailableException>(() => core.RegisterAsync(Svc, "10.0.0.1"));

        Assert.Null(core.Registry.GetService(Svc));
        Assert.Empty(core.Registry.AllServices());
    }

    [Fact]
    public async Task Revisions_keep_growing_across_restarts()
    {
        var store = new InMemoryChangeStore();
        long last;
        await using (var first = await CoreHost.StartAsync(store))
        {
            await first.RegisterAsync(Svc, "10.0.0.1", ephemeral: false);
            last = first.Log.Revision;
        }

        await using var second = await CoreHost.StartAsync(store);
        Assert.Equal(last, second.Log.Revision);
        await second.RegisterAsync(Svc, "10.0.0.2", ephemeral: false);
        Assert.True(second.Registry.GetService(Svc)!.Revision > last);
    }
}
