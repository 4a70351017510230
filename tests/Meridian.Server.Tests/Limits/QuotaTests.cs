using System.Net;
using Meridian.Contracts.V1;
using Meridian.Server.Tests.Api.Config;
using Meridian.Server.Tests.Infrastructure;
using Meridian.Server.Tests.Protocols.Nacos;

namespace Meridian.Server.Tests.Limits;

/// <summary>Quotas through a real server process: each refusal is a 429 that names the limit and the setting that raises it.</summary>
public sealed class QuotaTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Registrations_and_services_past_their_quota_are_refused_with_the_setting_named()
    {
        var data = TestServer.NewDataDirectory();
        try
        {
            await using var server = await ServerProcess.StartAsync(data, Ct,
                "--Meridian:Limits:MaxInstancesPerService=2", "--Meridian:Limits:MaxServicesPerNamespace=2");
            for (var port = 1; port <= 2; port++)
            {
                using var ok = await server.Client.RegisterAsync("billing", new { ip = "10.0.0.1", port });
                Assert.Equal(HttpStatusCode.Created, ok.StatusCode);
            }

            using var third = await server.Client.RegisterAsync("billing", new { ip = "10.0.0.1", port = 3 });
            var problem = await third.ProblemAsync(HttpStatusCode.TooManyRequests);
            Assert.Contains("already holds 2 of at most 2", problem.Detail);
            Assert.Contains("Meridian:Limits:MaxInstancesPerService", problem.Detail);

            // Registering an instance again is a renewal, not a new one: the quota does not stop it.
            using var again = await server.Client.RegisterAsync("billing", new { ip = "10.0.0.1", port = 1 });
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
            Assert.Equal(2, (await server.Client.ListAsync("billing")).Instances.Count);

            // The Nacos adapter answers the same refusal in its own form.
            await server.Client.NacosRegisterAsync("shipping", "10.0.0.2", 80, Ct);
            var (status, body) = await server.Client.SendAsync(HttpMethod.Post, "/nacos/v1/ns/instance",
                "serviceName=DEFAULT_GROUP%40%40audit&groupName=DEFAULT_GROUP&ip=10.0.0.3&port=80", Ct);
            Assert.Equal(HttpStatusCode.TooManyRequests, status);
            Assert.Contains("Meridian:Limits:MaxServicesPerNamespace", body);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task A_new_config_past_the_namespace_quota_is_refused_and_existing_ones_still_update()
    {
        var data = TestServer.NewDataDirectory();
        try
        {
            await using var server = await ServerProcess.StartAsync(data, Ct, "--Meridian:Limits:MaxConfigsPerNamespace=2");
            Assert.Equal(HttpStatusCode.Created, (await server.Client.PutConfigAsync("a.txt", new { content = "1" })).StatusCode);
            Assert.Equal(HttpStatusCode.Created, (await server.Client.PutConfigAsync("b.txt", new { content = "1" })).StatusCode);

            var problem = await (await server.Client.PutConfigAsync("c.txt", new { content = "1" })).ProblemAsync(HttpStatusCode.TooManyRequests);
            Assert.Contains("Meridian:Limits:MaxConfigsPerNamespace", problem.Detail);

            Assert.Equal(HttpStatusCode.OK, (await server.Client.PutConfigAsync("a.txt", new { content = "2" })).StatusCode);
            Assert.Equal(HttpStatusCode.NoContent, (await server.Client.DeleteAsync(ConfigWire.Path("b.txt"), Ct)).StatusCode);
            Assert.Equal(HttpStatusCode.Created, (await server.Client.PutConfigAsync("c.txt", new { content = "1" })).StatusCode);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task A_connection_past_its_subscription_quota_gets_an_error_ack_and_keeps_its_subscriptions()
    {
        var data = TestServer.NewDataDirectory();
        try
        {
            await using var server = await ServerProcess.StartAsync(data, Ct, "--Meridian:Limits:MaxSubscriptionsPerConnection=2");
            await using var connection = await RawConnection.OpenAsync(server.GrpcAddress, "watcher", Ct, sayHello: true, server.Token);
            Assert.True((await connection.RequestAsync(Subscribe("billing"), Ct)).Ok);
            Assert.True((await connection.RequestAsync(SubscribeConfig("app.yaml"), Ct)).Ok);

            var refused = await connection.RequestAsync(Subscribe("shipping"), Ct);
            Assert.False(refused.Ok);
            Assert.Equal("limit_exceeded", refused.ErrorCode);
            Assert.Contains("Meridian:Limits:MaxSubscriptionsPerConnection", refused.ErrorMessage);

            // Subscribing again to what it has is no new subscription, and making room lets a new one in.
            Assert.True((await connection.RequestAsync(Subscribe("billing"), Ct)).Ok);
            Assert.True((await connection.RequestAsync(new ClientMessage { UnsubscribeConfig = new UnsubscribeConfig { Config = new ConfigRef { DataId = "app.yaml" } } }, Ct)).Ok);
            Assert.True((await connection.RequestAsync(Subscribe("shipping"), Ct)).Ok);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task Connections_past_the_per_address_quota_are_refused_until_one_closes()
    {
        var data = TestServer.NewDataDirectory();
        try
        {
            await using var server = await ServerProcess.StartAsync(data, Ct, "--Meridian:Limits:MaxConnectionsPerAddress=2");
            await using var first = await RawConnection.OpenAsync(server.GrpcAddress, "one", Ct, sayHello: true, server.Token);
            var second = await RawConnection.OpenAsync(server.GrpcAddress, "two", Ct, sayHello: true, server.Token);

            await using (var third = await RawConnection.OpenAsync(server.GrpcAddress, "three", Ct, sayHello: false, server.Token))
            {
                var status = await third.Ended.Task.WaitAsync(Ct);
                Assert.Equal(Grpc.Core.StatusCode.ResourceExhausted, status.StatusCode);
                Assert.Contains("Meridian:Limits:MaxConnectionsPerAddress", status.Detail);
            }

            await second.DisposeAsync();
            await server.WaitForLogAsync(@"Client two stream \S+ ended", Ct);
            await using var fourth = await RawConnection.OpenAsync(server.GrpcAddress, "four", Ct, sayHello: true, server.Token);
            Assert.True((await fourth.RequestAsync(Subscribe("billing"), Ct)).Ok);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task A_caller_over_its_request_rate_gets_429_while_another_caller_and_health_probes_are_served()
    {
        var data = TestServer.NewDataDirectory();
        try
        {
            await using var server = await ServerProcess.StartAsync(data, Ct,
                "--Meridian:Limits:RequestsPerSecondPerCaller=10", "--Meridian:Limits:RequestBurstPerCaller=20");
            HttpResponseMessage? refused = null;
            for (var i = 0; i < 100 && refused is null; i++)
            {
                var response = await server.Client.GetAsync("/v1/namespaces", Ct);
                if (response.StatusCode == HttpStatusCode.TooManyRequests)
                {
                    refused = response;
                }
                else
                {
                    Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                    response.Dispose();
                }
            }

            Assert.NotNull(refused);
            using (refused)
            {
                var problem = await refused.ProblemAsync(HttpStatusCode.TooManyRequests);
                Assert.Matches(@"^'admin' from \S+ sent more than 10 requests per second", problem.Detail);
                Assert.Contains("Meridian:Limits:RequestsPerSecondPerCaller", problem.Detail);
                Assert.Equal("1", refused.Headers.GetValues("Retry-After").Single());
            }

            using var anonymous = new HttpClient { BaseAddress = server.BaseAddress };
            Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/ready", Ct)).StatusCode);
            // Another caller (here: one without credentials, known by its address) has a bucket of its own.
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/v1/namespaces", Ct)).StatusCode);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    private static ClientMessage Subscribe(string service) => new() { SubscribeService = new SubscribeService { Service = new ServiceRef { Service = service } } };

    private static ClientMessage SubscribeConfig(string dataId) => new() { SubscribeConfig = new SubscribeConfig { Config = new ConfigRef { DataId = dataId } } };
}
