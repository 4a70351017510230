using System.Net;
using System.Net.Http.Json;
using Meridian.Server.Tests.Infrastructure;

namespace Meridian.Server.Tests.Hosting;

/// <summary>What an operator reads in the server's log: one line per config change or refusal, naming who and which.</summary>
public sealed class OperationsLogTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Registrations_and_deregistrations_each_log_one_line_with_the_caller()
    {
        var data = TestServer.NewDataDirectory();
        try
        {
            await using var server = await ServerProcess.StartAsync(data, Ct);
            using var registered = await server.Client.RegisterAsync("billing", new { ip = "10.0.0.7", port = 8080 });
            Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
            await server.WaitForLogAsync(@"Instance (\S+) of public/DEFAULT_GROUP@@billing registered \(ephemeral\) by admin from \S+", Ct);

            var instance = (await server.Client.ListAsync("billing")).Instances.Single();
            using var removed = await server.Client.DeleteAsync($"{Paths.Instances("billing")}/{Uri.EscapeDataString(instance.InstanceId)}", Ct);
            Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
            await server.WaitForLogAsync(@"of public/DEFAULT_GROUP@@billing deregistered by admin from \S+", Ct);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task Config_publishes_deletes_and_refusals_each_log_one_line_with_the_caller()
    {
        var data = TestServer.NewDataDirectory();
        try
        {
            await using var server = await ServerProcess.StartAsync(data, Ct);
            const string path = "/v1/namespaces/public/groups/DEFAULT_GROUP/configs/orders.yaml";
            Assert.Equal(HttpStatusCode.Created, (await server.Client.PutAsJsonAsync(path, new { content = "a: 1", type = "yaml" }, Ct)).StatusCode);
            await server.WaitForLogAsync(@"Config public/DEFAULT_GROUP/orders\.yaml: Publish as version 1 by admin from \S+", Ct);

            Assert.Equal(HttpStatusCode.BadRequest, (await server.Client.PutAsJsonAsync(path, new { content = "a: [1", type = "yaml" }, Ct)).StatusCode);
            await server.WaitForLogAsync(@"Config public/DEFAULT_GROUP/orders\.yaml: Publish by admin from \S+ refused: .+", Ct);

            Assert.Equal(HttpStatusCode.NoContent, (await server.Client.DeleteAsync(path, Ct)).StatusCode);
            await server.WaitForLogAsync(@"Config public/DEFAULT_GROUP/orders\.yaml: Delete as version 2 by admin", Ct);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task The_json_console_formatter_writes_each_event_as_one_json_line_with_its_fields()
    {
        var data = TestServer.NewDataDirectory();
        try
        {
            await using var server = await ServerProcess.StartAsync(data, Ct, "--Logging:Console:FormatterName=json");
            using var registered = await server.Client.RegisterAsync("billing", new { ip = "10.0.0.7", port = 8080 });
            Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
            var line = (await server.WaitForLogAsync(@"^\{.*registered \(ephemeral\) by admin.*\}$", Ct)).Value;

            var entry = System.Text.Json.JsonDocument.Parse(line).RootElement;
            Assert.Equal("Information", entry.GetProperty("LogLevel").GetString());
            Assert.Equal("Meridian.Naming.RegistryCommands", entry.GetProperty("Category").GetString());
            var state = entry.GetProperty("State");
            Assert.Equal("public/DEFAULT_GROUP@@billing", state.GetProperty("Service").GetString());
            Assert.Equal("admin", state.GetProperty("Caller").GetString());
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}
