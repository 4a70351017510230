using System.Net;
using System.Net.Http.Json;
using System.Text;
using Meridian.Server.Tests.Infrastructure;

namespace Meridian.Server.Tests.Api.Naming;

public sealed class ValidationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, object, string, string> BadRegistrations => new()
    {
        { "svc", new { ip = "10.0.0.1", port = 0 }, "port", "between 1 and 65535" },
        { "svc", new { ip = "10.0.0.1", port = 70000 }, "port", "between 1 and 65535" },
        { "svc", new { port = 80 }, "ip", "is required" },
        { "svc", new { ip = "not an ip!", port = 80 }, "ip", "neither an IP address nor a host name" },
        { "svc", new { ip = "10.0.0.1", port = 80, weight = -1 }, "weight", "between 0 and 10000" },
        { "svc", new { ip = "10.0.0.1", port = 80, weight = 10001 }, "weight", "between 0 and 10000" },
        { "svc", new { ip = "10.0.0.1", port = 80, cluster = "H Z" }, "cluster", "use only letters, digits" },
        { "bad$name", new { ip = "10.0.0.1", port = 80 }, "service", "contains '$' at position 4" },
        { new string('s', 257), new { ip = "10.0.0.1", port = 80 }, "service", "at most 256 are allowed" },
        { "svc", new { ip = "10.0.0.1", port = 80, metadata = Enumerable.Range(0, 65).ToDictionary(i => $"k{i}", i => "v") }, "metadata", "at most 64 are allowed" },
        { "svc", new { ip = "10.0.0.1", port = 80, metadata = new Dictionary<string, string> { ["k"] = new string('v', 1025) } }, "metadata", "at most 1024 are allowed" },
        { "svc", new { ip = "10.0.0.1", port = 80, metadata = new Dictionary<string, string> { ["preserved.heart.beat.timeout"] = "soon" } }, "metadata", "positive number of milliseconds" },
        { "svc", new { ip = "10.0.0.1", port = 80, instanceId = "" }, "instanceId", "1..512 characters" },
    };

    [Theory]
    [MemberData(nameof(BadRegistrations))]
    public async Task Bad_registration_is_refused_with_400_naming_the_field(string service, object body, string field, string message)
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        var problem = await (await server.Client.RegisterAsync(service, body)).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotNull(problem.Errors);
        Assert.Contains(problem.Errors[field], m => m.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Every_broken_rule_is_reported_at_once()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        var problem = await (await server.Client.RegisterAsync("svc", new { ip = "", port = -1, weight = 20000 })).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["ip", "port", "weight"], problem.Errors!.Keys.Order());
    }

    [Fact]
    public async Task Malformed_json_is_refused_with_400_naming_the_field()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        using var content = new StringContent("""{"ip":"10.0.0.1","port":"eighty"}""", Encoding.UTF8, "application/json");
        var problem = await (await server.Client.PostAsync(Paths.Instances("svc"), content, Ct)).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("port", problem.Errors!.Keys);
    }

    [Fact]
    public async Task Oversized_body_is_refused_with_413()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        var huge = new string('x', 100 * 1024);
        using var content = new StringContent("{\"ip\":\"10.0.0.1\",\"port\":80,\"metadata\":{\"k\":\"" + huge + "\"}}", Encoding.UTF8, "application/json");
        var problem = await (await server.Client.PostAsync(Paths.Instances("svc"), content, Ct)).ProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("larger than this endpoint accepts (65536 bytes)", problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_namespace_is_404_with_what_to_do()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        var problem = await (await server.Client.RegisterAsync("svc", new { ip = "10.0.0.1", port = 80 }, ns: "nowhere")).ProblemAsync(HttpStatusCode.NotFound);
        Assert.Contains("create it first", problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_instance_update_is_404()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        await server.Client.RegisterAsync("svc", new { ip = "10.0.0.1", port = 80 });
        var response = await server.Client.PatchAsJsonAsync($"{Paths.Instances("svc")}/missing", new { weight = 2 }, Ct);
        await response.ProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    public async Task Protect_threshold_outside_0_to_1_is_refused(double threshold)
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        var problem = await (await server.Client.PutAsJsonAsync(Paths.Service("svc"), new { protectThreshold = threshold }, Ct)).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("protectThreshold", problem.Errors!.Keys);
    }

    [Theory]
    [InlineData("?pageNo=0", "pageNo")]
    [InlineData("?pageSize=1001", "pageSize")]
    [InlineData("?group=a%20b", "group")]
    public async Task Bad_service_paging_is_refused(string query, string field)
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        var problem = await (await server.Client.GetAsync("/v1/namespaces/public/services" + query, Ct)).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(field, problem.Errors!.Keys);
    }
}
