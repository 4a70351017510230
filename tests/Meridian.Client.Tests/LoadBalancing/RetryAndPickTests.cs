using System.Net;
using System.Net.Sockets;
using Meridian.Client.Discovery;
using Meridian.Client.Tests.Infrastructure;
using Meridian.Contracts.V1;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Meridian.Client.Tests.LoadBalancing;

/// <summary>
/// The balanced HttpClient as an app builds it (resilience handler, then the Meridian handler), over a pushed list and
/// a primary handler that plays the instances: which attempts are retried, and where each attempt goes.
/// </summary>
public sealed class RetryAndPickTests
{
    private const string Service = "userservice";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_refused_connection_on_a_POST_is_retried_on_another_instance_and_the_refusing_one_is_then_avoided()
    {
        await using var balanced = Balanced.Start([Up(1), Up(2)], "RoundRobin");
        balanced.Refuse(1);

        for (var i = 0; i < 20; i++)
        {
            using var response = await balanced.Client.PostAsync($"http://{Service}/orders", new StringContent("{}"), Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(1, balanced.AttemptsOn(1));
        Assert.Equal(20, balanced.AttemptsOn(2));
    }

    [Fact]
    public async Task A_500_answer_to_a_POST_is_not_retried()
    {
        await using var balanced = Balanced.Start([Up(1), Up(2)], "RoundRobin");
        balanced.Answer(1, HttpStatusCode.InternalServerError);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 10; i++)
        {
            using var response = await balanced.Client.PostAsync($"http://{Service}/orders", new StringContent("{}"), Ct);
            statuses.Add(response.StatusCode);
        }

        Assert.Equal(10, balanced.Attempts.Count);
        Assert.Equal(5, statuses.Count(s => s == HttpStatusCode.InternalServerError));
    }

    [Fact]
    public async Task A_500_answer_to_a_GET_is_retried_on_another_instance()
    {
        await using var balanced = Balanced.Start([Up(1), Up(2)], "RoundRobin");
        balanced.Answer(1, HttpStatusCode.InternalServerError);

        for (var i = 0; i < 10; i++)
        {
            using var response = await balanced.Client.GetAsync($"http://{Service}/users/1", Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(10, balanced.AttemptsOn(2));
    }

    [Fact]
    public async Task A_call_is_never_retried_on_an_instance_it_already_tried()
    {
        await using var balanced = Balanced.Start([Up(1)], "RoundRobin");
        balanced.Answer(1, HttpStatusCode.ServiceUnavailable);

        using var response = await balanced.Client.GetAsync($"http://{Service}/users/1", Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Single(balanced.Attempts);
    }

    [Fact]
    public async Task Same_cluster_first_moves_to_another_cluster_within_the_call_when_every_local_instance_refuses()
    {
        await using var balanced = Balanced.Start([Up(1, "HZ"), Up(2, "HZ"), Up(3, "SH")], "SameClusterFirst", cluster: "HZ");
        balanced.Refuse(1);
        balanced.Refuse(2);

        using (var first = await balanced.Client.PostAsync($"http://{Service}/orders", new StringContent("{}"), Ct))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        Assert.Equal([1, 2, 3], balanced.Attempts.Order());

        // Both HZ instances are suspect now: later calls go straight to SH.
        for (var i = 0; i < 20; i++)
        {
            using var response = await balanced.Client.GetAsync($"http://{Service}/users/1", Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(21, balanced.AttemptsOn(3));
        Assert.Equal(2, balanced.Attempts.Count(port => port != 3));
    }

    [Fact]
    public async Task Same_cluster_first_stays_in_its_cluster_when_another_local_instance_is_left()
    {
        await using var balanced = Balanced.Start([Up(1, "HZ"), Up(2, "HZ"), Up(3, "SH")], "SameClusterFirst", cluster: "HZ");
        balanced.Refuse(1);

        for (var i = 0; i < 20; i++)
        {
            using var response = await balanced.Client.GetAsync($"http://{Service}/users/1", Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(0, balanced.AttemptsOn(3));
        Assert.Equal(20, balanced.AttemptsOn(2));
    }

    [Fact]
    public async Task An_instance_with_weight_0_is_never_picked_not_even_when_every_other_one_refuses()
    {
        foreach (var rule in (string[])["RoundRobin", "Random", "WeightedRandom", "SameClusterFirst", "LeastOutstanding"])
        {
            await using var balanced = Balanced.Start([Up(1, weight: 0), Up(2), Up(3)], rule);
            balanced.Refuse(2);
            balanced.Refuse(3);

            await Assert.ThrowsAsync<HttpRequestException>(() => balanced.Client.GetAsync($"http://{Service}/users/1", Ct));

            Assert.Equal(0, balanced.AttemptsOn(1));
            Assert.Equal([2, 3], balanced.Attempts.Order());
        }
    }

    [Fact]
    public async Task When_every_instance_refuses_the_call_fails_with_the_refusal_after_MaxAttempts_distinct_instances()
    {
        await using var balanced = Balanced.Start([Up(1), Up(2), Up(3), Up(4)], "RoundRobin");
        foreach (var port in (int[])[1, 2, 3, 4])
        {
            balanced.Refuse(port);
        }

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => balanced.Client.PostAsync($"http://{Service}/orders", new StringContent("{}"), Ct));

        Assert.Equal(HttpRequestError.ConnectionError, error.HttpRequestError);
        Assert.Equal(3, balanced.Attempts.Distinct().Count());
        Assert.Equal(3, balanced.Attempts.Count);
    }

    [Fact]
    public async Task A_suspect_instance_takes_traffic_again_once_its_cooldown_is_over()
    {
        await using var balanced = Balanced.Start([Up(1), Up(2)], "RoundRobin");
        balanced.Refuse(1);
        using (await balanced.Client.GetAsync($"http://{Service}/users/1", Ct))
        {
        }

        using (await balanced.Client.GetAsync($"http://{Service}/users/1", Ct))
        {
        }

        balanced.Answer(1, HttpStatusCode.OK);
        for (var i = 0; i < 10; i++)
        {
            using var response = await balanced.Client.GetAsync($"http://{Service}/users/1", Ct);
        }

        Assert.Equal(1, balanced.AttemptsOn(1));

        balanced.Time.Advance(TimeSpan.FromSeconds(11));
        for (var i = 0; i < 10; i++)
        {
            using var response = await balanced.Client.GetAsync($"http://{Service}/users/1", Ct);
        }

        Assert.Equal(6, balanced.AttemptsOn(1));
    }

    [Fact]
    public async Task With_MaxAttempts_1_nothing_is_retried()
    {
        await using var balanced = Balanced.Start([Up(1), Up(2)], "RoundRobin", ("Meridian:LoadBalancing:MaxAttempts", "1"));
        balanced.Refuse(1);
        balanced.Refuse(2);

        await Assert.ThrowsAsync<HttpRequestException>(() => balanced.Client.GetAsync($"http://{Service}/users/1", Ct));

        Assert.Single(balanced.Attempts);
    }

    private static Instance Up(int port, string cluster = "DEFAULT", double weight = 1) => new()
    {
        InstanceId = $"127.0.0.1#{port}#{cluster}", Ip = "127.0.0.1", Port = port, Weight = weight, Healthy = true, Enabled = true, Ephemeral = true, Cluster = cluster,
    };

    /// <summary>A service provider with one balanced client named <c>lb</c>, whose instances are played by a handler.</summary>
    private sealed class Balanced : IAsyncDisposable
    {
        private readonly ServiceProvider _services;
        private readonly Instances _instances;

        private Balanced(ServiceProvider services, Instances instances, FakeTimeProvider time)
        {
            _services = services;
            _instances = instances;
            Time = time;
            Client = services.GetRequiredService<IHttpClientFactory>().CreateClient("lb");
        }

        public HttpClient Client { get; }
        public FakeTimeProvider Time { get; }

        /// <summary>The port of every attempt, in order.</summary>
        public IReadOnlyList<int> Attempts => _instances.Attempts;

        public int AttemptsOn(int port) => _instances.Attempts.Count(p => p == port);

        public void Refuse(int port) => _instances.Behaviour[port] = null;

        public void Answer(int port, HttpStatusCode status) => _instances.Behaviour[port] = status;

        public static Balanced Start(Instance[] instances, string rule, params (string Key, string Value)[] settings) =>
            Start(instances, rule, "DEFAULT", settings);

        public static Balanced Start(Instance[] instances, string rule, string cluster, params (string Key, string Value)[] settings)
        {
            var config = new Dictionary<string, string?>
            {
                ["Meridian:ServerAddresses:0"] = "127.0.0.1:1",
                ["Meridian:ClusterName"] = cluster,
                ["Meridian:LoadBalancing:Rule"] = rule,
                ["Meridian:Discovery:SnapshotDirectory"] = TempDirectory.Create("meridian-retry-"),
            };
            foreach (var (key, value) in settings)
            {
                config[key] = value;
            }

            var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
            var played = new Instances();
            var services = new ServiceCollection()
                .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(config).Build())
                .AddSingleton<TimeProvider>(time)
                .AddLogging();
            services.AddMeridianDiscovery();
            services.AddHttpClient("lb").AddMeridianLoadBalancing().ConfigurePrimaryHttpMessageHandler(() => played);
            var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

            var cache = provider.GetRequiredService<ServiceCache>();
            cache.GetOrAdd(new ServiceId("public", "DEFAULT_GROUP", Service), out _);
            var push = new ServicePush { Service = new ServiceRef { Namespace = "public", Group = "DEFAULT_GROUP", Service = Service }, Revision = 1 };
            push.Instances.AddRange(instances);
            cache.Apply(push);
            return new Balanced(provider, played, time);
        }

        public ValueTask DisposeAsync()
        {
            Client.Dispose();
            return _services.DisposeAsync();
        }
    }

    /// <summary>Answers each attempt as the instance on its port would: a status, or a refused connection (null).</summary>
    private sealed class Instances : HttpMessageHandler
    {
        private readonly List<int> _attempts = [];

        public Dictionary<int, HttpStatusCode?> Behaviour { get; } = [];

        public IReadOnlyList<int> Attempts
        {
            get
            {
                lock (_attempts)
                {
                    return [.. _attempts];
                }
            }
        }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var port = request.RequestUri!.Port;
            lock (_attempts)
            {
                _attempts.Add(port);
            }

            var status = Behaviour.TryGetValue(port, out var configured) ? configured : HttpStatusCode.OK;
            if (status is null)
            {
                throw new HttpRequestException(
                    HttpRequestError.ConnectionError, $"Connection refused (127.0.0.1:{port})", new SocketException((int)SocketError.ConnectionRefused));
            }

            return Task.FromResult(new HttpResponseMessage(status.Value) { RequestMessage = request, Content = new StringContent(port.ToString(System.Globalization.CultureInfo.InvariantCulture)) });
        }
    }
}
