using Meridian.Namespaces;
using Meridian.Naming;
using Meridian.Validation;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Meridian.Core.Tests.Naming;

public sealed class ServiceRegistryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly ServiceKey Svc = new("public", "DEFAULT_GROUP", "svc");

    private static (ServiceRegistry Registry, InMemoryRegistryStore Store, FakeTimeProvider Time) Create()
    {
        var store = new InMemoryRegistryStore();
        var time = new FakeTimeProvider();
        var registry = new ServiceRegistry(
            new NamespaceCatalog(store), store, new RevisionClock(time), time, Options.Create(new RegistryOptions()), NullLogger<ServiceRegistry>.Instance);
        return (registry, store, time);
    }

    [Fact]
    public async Task Every_change_raises_the_revision_and_is_published_once()
    {
        var (registry, _, _) = Create();
        var changes = new List<ServiceChange>();
        using var subscription = registry.Changes.Subscribe(changes.Add);

        await registry.RegisterAsync(Svc, new InstanceRegistration { Ip = "10.0.0.1", Port = 80 }, Ct);
        await registry.RegisterAsync(Svc, new InstanceRegistration { Ip = "10.0.0.2", Port = 80 }, Ct);
        await registry.UpdateInstanceAsync(Svc, "10.0.0.1#80#DEFAULT#DEFAULT_GROUP@@svc", new InstancePatch { Weight = 5 }, Ct);

        Assert.Equal(3, changes.Count);
        Assert.True(changes.Zip(changes.Skip(1)).All(p => p.Second.Revision > p.First.Revision));
        Assert.Equal(changes[^1].Snapshot, registry.GetService(Svc));
    }

    [Fact]
    public async Task Re_registering_an_unchanged_instance_changes_nothing()
    {
        var (registry, _, _) = Create();
        await registry.RegisterAsync(Svc, new InstanceRegistration { Ip = "10.0.0.1", Port = 80 }, Ct);
        var before = registry.GetService(Svc)!;
        var published = 0;
        using var subscription = registry.Changes.Subscribe(_ => published++);

        await registry.RegisterAsync(Svc, new InstanceRegistration { Ip = "10.0.0.1", Port = 80 }, Ct);

        Assert.Equal(0, published);
        Assert.Same(before, registry.GetService(Svc));
    }

    [Fact]
    public async Task Checksum_follows_content_not_history()
    {
        var (a, _, _) = Create();
        var (b, _, _) = Create();
        await a.RegisterAsync(Svc, new InstanceRegistration { Ip = "10.0.0.1", Port = 80, Weight = 2 }, Ct);
        await b.RegisterAsync(Svc, new InstanceRegistration { Ip = "10.0.0.1", Port = 80, Weight = 1 }, Ct);
        Assert.NotEqual(a.GetService(Svc)!.Checksum, b.GetService(Svc)!.Checksum);

        await b.UpdateInstanceAsync(Svc, "10.0.0.1#80#DEFAULT#DEFAULT_GROUP@@svc", new InstancePatch { Weight = 2 }, Ct);
        Assert.Equal(a.GetService(Svc)!.Checksum, b.GetService(Svc)!.Checksum);
    }

    [Fact]
    public async Task Checksum_is_the_md5_of_the_documented_instance_lines()
    {
        var (registry, _, _) = Create();
        await registry.RegisterAsync(Svc, new InstanceRegistration
        {
            Ip = "10.0.0.1", Port = 80, Metadata = new Dictionary<string, string> { ["zone"] = "ä", ["app"] = "x" },
        }, Ct);
        await registry.RegisterAsync(Svc, new InstanceRegistration { Ip = "10.0.0.2", Port = 81, Weight = 2.5 }, Ct);

        // id|ip|port|weight|healthy enabled ephemeral|cluster|metadata sorted by key, one line per instance, UTF-8.
        Assert.Equal("78035c103926e5243b709a14b1ed321c", registry.GetService(Svc)!.Checksum);
    }

    [Fact]
    public async Task Persistent_instances_reach_the_store_and_ephemeral_ones_never_do()
    {
        var (registry, store, _) = Create();
        await registry.RegisterAsync(Svc, new InstanceRegistration { Ip = "10.0.0.1", Port = 80 }, Ct);
        await registry.RegisterAsync(Svc, new InstanceRegistration { Ip = "10.0.0.2", Port = 80, Ephemeral = false }, Ct);

        Assert.Equal("10.0.0.2", Assert.Single(store.Instances.Values).Ip);
        Assert.True(store.Services.ContainsKey(Svc));
    }

    [Fact]
    public async Task Weight_zero_instance_is_not_serving()
    {
        var (registry, _, _) = Create();
        var instance = await registry.RegisterAsync(Svc, new InstanceRegistration { Ip = "10.0.0.1", Port = 80, Weight = 0 }, Ct);
        Assert.False(instance.IsServing);
    }

    [Fact]
    public async Task Changes_to_one_service_do_not_touch_another()
    {
        var (registry, _, _) = Create();
        var other = Svc with { Name = "other" };
        await registry.RegisterAsync(other, new InstanceRegistration { Ip = "10.0.0.1", Port = 80 }, Ct);
        var before = registry.GetService(other);

        await Parallel.ForAsync(0, 200, Ct, async (i, ct) =>
            await registry.RegisterAsync(Svc, new InstanceRegistration { Ip = $"10.1.{i / 200}.{i % 200 + 1}", Port = 80 }, ct));

        Assert.Equal(200, registry.GetService(Svc)!.Instances.Length);
        Assert.Same(before, registry.GetService(other));
    }

    [Fact]
    public async Task Expiry_of_a_silent_ephemeral_instance_leaves_persistent_and_connection_held_neighbours_alone()
    {
        var (registry, _, time) = Create();
        await registry.RegisterAsync(Svc, new InstanceRegistration { Ip = "10.0.0.1", Port = 80 }, Ct);
        await registry.RegisterAsync(Svc, new InstanceRegistration { Ip = "10.0.0.2", Port = 80, Ephemeral = false }, Ct);
        await registry.RegisterAsync(Svc, new InstanceRegistration { Ip = "10.0.0.3", Port = 80 }, "connection-1", Ct);

        time.Advance(TimeSpan.FromSeconds(16));
        registry.SweepExpired();
        var afterTimeout = registry.GetService(Svc)!.Instances.ToDictionary(i => i.Ip, i => i.Healthy);
        Assert.Equal(new Dictionary<string, bool> { ["10.0.0.1"] = false, ["10.0.0.2"] = true, ["10.0.0.3"] = true }, afterTimeout);

        time.Advance(TimeSpan.FromSeconds(15));
        registry.SweepExpired();
        Assert.Equal(["10.0.0.2", "10.0.0.3"], registry.GetService(Svc)!.Instances.Select(i => i.Ip).Order());
        Assert.All(registry.GetService(Svc)!.Instances, i => Assert.True(i.Healthy));
    }

    [Fact]
    public async Task Unknown_namespace_is_refused()
    {
        var (registry, _, _) = Create();
        await Assert.ThrowsAsync<NotFoundException>(() =>
            registry.RegisterAsync(Svc with { Namespace = "nope" }, new InstanceRegistration { Ip = "10.0.0.1", Port = 80 }, Ct));
    }

    [Fact]
    public void Revisions_keep_growing_across_restarts()
    {
        var time = new FakeTimeProvider();
        var first = new RevisionClock(time);
        for (var i = 0; i < 500; i++)
        {
            first.Next();
        }

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(new RevisionClock(time).Next() > first.Current);
    }
}
