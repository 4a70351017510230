using System.Net;
using Meridian.Server.Tests.Infrastructure;

namespace Meridian.Server.Tests.Hosting;

public sealed class HostingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Liveness_and_readiness_answer()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/health/live", Ct)).StatusCode);
        var ready = await server.Client.GetAsync("/health/ready", Ct);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task OpenAPI_document_describes_the_native_API_and_the_reference_page_serves()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        var document = await server.Client.GetStringAsync("/openapi/v1.json", Ct);
        Assert.Contains("/v1/namespaces/{ns}/groups/{group}/services/{service}/instances", document, StringComparison.Ordinal);
        Assert.Contains("heartbeat", document, StringComparison.Ordinal);
        var page = await server.Client.GetAsync("/docs/v1", Ct);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("openapi/v1.json", await page.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Started_from_another_folder_the_server_reads_the_settings_beside_it()
    {
        var elsewhere = Directory.CreateTempSubdirectory("meridian-cwd-").FullName;
        try
        {
            await using var server = Meridian.Testing.ChildProcess.Start("dotnet",
                [Path.Combine(AppContext.BaseDirectory, "Meridian.Server.dll"), "--urls", "http://127.0.0.1:0", "--Meridian:Grpc:Port=0",
                 Meridian.Testing.TestAuth.AdminPasswordArgument, Meridian.Testing.TestAuth.SigningKeyArgument],
                workingDirectory: elsewhere);

            // Its appsettings.json sets Microsoft.Hosting.Lifetime to Information and Microsoft.AspNetCore to Warning: the
            // content root line shows where it read them from, and data still goes under the working directory.
            var root = await server.WaitForAsync(@"Content root path: (\S+)", TimeSpan.FromSeconds(60), Ct);
            Assert.Equal(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory), Path.TrimEndingDirectorySeparator(root.Groups[1].Value));
            var data = await server.WaitForAsync(@"Meridian data lives in (\S+)", TimeSpan.FromSeconds(60), Ct);
            Assert.StartsWith(elsewhere, data.Groups[1].Value, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(elsewhere, recursive: true);
        }
    }

    [Fact]
    public async Task Invalid_registry_options_stop_the_start_with_a_clear_message()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => TestServer.StartAsync(
            settings: new Dictionary<string, string?> { ["Meridian:Registry:HeartbeatTimeout"] = "00:00:40", ["Meridian:Registry:DeleteTimeout"] = "00:00:30" },
            cancellationToken: Ct));
        Assert.Contains("DeleteTimeout", error.Message, StringComparison.Ordinal);
    }
}
