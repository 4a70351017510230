using System.Net;
using Meridian.Server.Tests.Infrastructure;

namespace Meridian.Server.Tests.Hosting;

public sealed class HostingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_start_up_log_links_the_console_and_the_API_reference_at_an_address_a_browser_here_can_open()
    {
        var data = TestServer.NewDataDirectory();
        try
        {
            await using var server = Meridian.Testing.ChildProcess.Start("dotnet",
                [Path.Combine(AppContext.BaseDirectory, "Meridian.Server.dll"), "--urls", "http://0.0.0.0:0", "--Meridian:Grpc:Port=0",
                    $"--Meridian:Storage:Sqlite:DataDirectory={data}", Meridian.Testing.TestAuth.AdminPasswordArgument]);
            var line = await server.WaitForAsync(@"on http://0\.0\.0\.0:(\d+); web console at http://localhost:(\d+)/, API reference at http://localhost:(\d+)/docs",
                TimeSpan.FromSeconds(60), Ct);
            Assert.Equal(line.Groups[1].Value, line.Groups[2].Value);
            using var page = new HttpClient();
            Assert.Equal(HttpStatusCode.OK, (await page.GetAsync($"http://localhost:{line.Groups[2].Value}/", Ct)).StatusCode);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

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
        var html = await page.Content.ReadAsStringAsync(Ct);
        Assert.Contains("openapi/v1.json", html, StringComparison.Ordinal);

        // Nothing of the reference goes to Scalar's hosted services: no client button, agent, MCP, telemetry or CDN fonts.
        foreach (var setting in new[] { "\"hideClientButton\":true", "\"telemetry\":false", "\"agent\":{\"disabled\":true}", "\"mcp\":{\"disabled\":true}", "\"withDefaultFonts\":false" })
        {
            Assert.Contains(setting, html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_root_serves_the_web_console_to_a_browser_without_credentials()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        using var anonymous = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = server.BaseAddress };
        using var root = await anonymous.GetAsync("/", Ct);
        Assert.Equal(HttpStatusCode.OK, root.StatusCode);
        Assert.Equal("text/html", root.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<base href=\"/\">", await root.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_prints_the_usage_and_exits_without_starting()
    {
        var data = TestServer.NewDataDirectory();
        try
        {
            await using var server = Meridian.Testing.ChildProcess.Start("dotnet",
                [Path.Combine(AppContext.BaseDirectory, "Meridian.Server.dll"), "--help", $"--Meridian:Storage:Sqlite:DataDirectory={data}"]);
            await server.WaitForAsync(@"^Usage: Meridian\.Server", TimeSpan.FromSeconds(30), Ct);
            await server.WaitForExitAsync(TimeSpan.FromSeconds(30), Ct);
            Assert.DoesNotContain("Now listening", server.Output, StringComparison.Ordinal);
            Assert.Empty(Directory.EnumerateFileSystemEntries(data));
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
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
    public async Task Given_only_an_HTTP_port_the_client_port_is_that_port_plus_1000_as_in_Nacos()
    {
        var data = TestServer.NewDataDirectory();
        try
        {
            var http = FreePortWithFreeNeighbour(1000);
            await using var server = Meridian.Testing.ChildProcess.Start("dotnet",
                [Path.Combine(AppContext.BaseDirectory, "Meridian.Server.dll"), "--urls", $"http://127.0.0.1:{http}",
                 $"--Meridian:Storage:Sqlite:DataDirectory={data}", Meridian.Testing.TestAuth.AdminPasswordArgument, Meridian.Testing.TestAuth.SigningKeyArgument]);

            var grpc = await server.WaitForAsync(@"Meridian client connections \(gRPC, HTTP/2\) on \S+:(\d+)", TimeSpan.FromSeconds(60), Ct);
            Assert.Equal(http + 1000, int.Parse(grpc.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
            await server.WaitForAsync($@"Meridian HTTP API .* on http://127\.0\.0\.1:{http}", TimeSpan.FromSeconds(10), Ct);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    /// <summary>A free port whose neighbour <paramref name="offset"/> above is free too (both are checked by binding them).</summary>
    private static int FreePortWithFreeNeighbour(int offset)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            using var first = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
            first.Start();
            var port = ((System.Net.IPEndPoint)first.LocalEndpoint).Port;
            if (port + offset > 65535)
            {
                continue;
            }

            try
            {
                using var second = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port + offset);
                second.Start();
                return port;
            }
            catch (System.Net.Sockets.SocketException)
            {
                // Taken: try another pair.
            }
        }

        throw new InvalidOperationException("No free pair of ports found in 50 tries.");
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
