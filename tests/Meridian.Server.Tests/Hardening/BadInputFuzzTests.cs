using Meridian.Fuzzing.Http;
using Meridian.Server.Tests.Infrastructure;

namespace Meridian.Server.Tests.Hardening;

/// <summary>
/// The in-repository fuzzer against a real server process: 10,000 malformed requests over every endpoint family
/// (native API from the OpenAPI document, Nacos, Eureka, gRPC, health and unknown routes), with a fixed seed, mostly
/// as the administrator. No answer may be a 5xx, the process must live through it, and it must be ready afterwards.
/// Another seed or count runs locally with <c>fuzz/Meridian.Fuzz</c> (see fuzz/README.md).
/// </summary>
public sealed class BadInputFuzzTests(ITestOutputHelper output)
{
    private const int Seed = 20_261_202;
    private const int Count = 10_000;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Ten_thousand_malformed_requests_get_no_5xx_and_leave_the_server_ready()
    {
        var data = TestServer.NewDataDirectory();
        await using var server = await ServerProcess.StartAsync(data, Ct, "--Logging:LogLevel:Microsoft.AspNetCore=Warning");

        var report = await HttpFuzzer.RunAsync(new HttpFuzzOptions
        {
            Server = server.BaseAddress,
            Grpc = server.GrpcAddress,
            Token = server.Token,
            Seed = Seed,
            Count = Count,
            Concurrency = 6,
        }, TextWriter.Null, Ct);
        output.WriteLine(report.Summary());

        Assert.True(report.Findings.Count == 0, report.Summary() + "\nServer output:\n" + Tail(server.Output));
        Assert.True(report.ReadyAfterwards, report.ReadyDetail);
        Assert.Equal(Count, report.Sent);
        Assert.True(report.RequestsByFamily.Keys.ToHashSet().SetEquals(["native", "nacos", "eureka", "grpc", "other"]), string.Join(", ", report.RequestsByFamily.Keys));
        Assert.True(report.EndpointsByFamily["native"] >= 30, "the OpenAPI document lists the native endpoints");
        using var live = await server.Client.GetAsync("/health/live", Ct);
        Assert.Equal(System.Net.HttpStatusCode.OK, live.StatusCode);
    }

    private static string Tail(string text) => text.Length <= 20_000 ? text : text[^20_000..];
}
