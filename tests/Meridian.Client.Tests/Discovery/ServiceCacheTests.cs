using Meridian.Client.Discovery;
using Meridian.Client.Tests.Infrastructure;
using Meridian.Contracts.V1;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Meridian.Client.Tests.Discovery;

public sealed class ServiceCacheTests
{
    private static readonly ServiceId Users = new("public", "DEFAULT_GROUP", "users");

    private static ServiceCache Cache(string directory)
    {
        var options = Options.Create(new MeridianClientOptions { Discovery = { SnapshotDirectory = directory } });
        return new ServiceCache(options, new SnapshotStore(options, NullLogger<SnapshotStore>.Instance), NullLogger<ServiceCache>.Instance);
    }

    private static Instance Wire(string ip, double weight = 1) => new()
    {
        InstanceId = $"{ip}#80", Ip = ip, Port = 80, Weight = weight, Healthy = true, Enabled = true, Ephemeral = true, Cluster = "DEFAULT",
    };

    private static ServiceRef Ref => new() { Namespace = Users.Namespace, Group = Users.Group, Service = Users.Name };

    [Fact]
    public void A_delta_from_the_revision_held_is_applied_on_top_of_the_list()
    {
        var cache = Cache(TempDirectory.Create("meridian-cache-"));
        var service = cache.GetOrAdd(Users, out _);
        cache.Apply(new ServicePush { Service = Ref, Revision = 10, Instances = { Wire("10.0.0.1"), Wire("10.0.0.2"), Wire("10.0.0.3") } });

        Assert.True(cache.Apply(new ServiceDelta { Service = Ref, BaseRevision = 10, Revision = 14, Upserted = { Wire("10.0.0.2", weight: 0), Wire("10.0.0.4") }, Removed = { "10.0.0.1#80" } }));

        Assert.Equal(14, service.Current.Revision);
        Assert.Equal([("10.0.0.2", 0.0), ("10.0.0.3", 1.0), ("10.0.0.4", 1.0)], service.Current.All.Select(i => (i.Host, i.Weight)).Order());
        Assert.Equal(["10.0.0.3", "10.0.0.4"], service.Current.Serving.Select(i => i.Host).Order());
    }

    [Fact]
    public void A_delta_from_another_revision_is_refused_so_the_full_list_is_asked_for()
    {
        var cache = Cache(TempDirectory.Create("meridian-cache-"));
        var service = cache.GetOrAdd(Users, out _);
        cache.Apply(new ServicePush { Service = Ref, Revision = 10, Instances = { Wire("10.0.0.1") } });

        Assert.False(cache.Apply(new ServiceDelta { Service = Ref, BaseRevision = 9, Revision = 14, Upserted = { Wire("10.0.0.4") } }));

        Assert.Equal(10, service.Current.Revision);
        Assert.Equal(["10.0.0.1"], service.Current.All.Select(i => i.Host));
    }
}
