using System.Net.Http.Json;
using Meridian.Client.Tests.Infrastructure;
using Meridian.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Meridian.Client.Tests.Connection;

/// <summary>A server serving both ports over TLS with a certificate from a private CA the test made.</summary>
public sealed class TlsTests : IDisposable
{
    private readonly TestCertificates _certificates = TestCertificates.Create();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _certificates.Dispose();

    [Fact]
    public async Task A_client_trusting_the_private_ca_registers_and_discovers_over_tls()
    {
        await using var server = await ServerHost.StartAsync(tls: _certificates);
        Assert.StartsWith("https://", server.Http.BaseAddress!.ToString(), StringComparison.Ordinal);
        var trusted = new Dictionary<string, string?> { ["Meridian:Tls:CaCertificatePath"] = _certificates.CaCertificatePath };

        await using var provider = await ClientApp.StartAsync("provider", [server.TlsClientAddress], "tls-svc", trusted);
        await using var watcher = await ClientApp.StartAsync("watcher", [server.TlsClientAddress], settings: trusted);

        var list = await watcher.Discovery.WaitForServingAsync("tls-svc", 1);
        Assert.Equal(provider.Port, list.Serving[0].Port);
        // The HTTP API on the same certificate (Kestrel's default) sees the registration too.
        using var instances = await server.Http.GetAsync("/v1/namespaces/public/groups/DEFAULT_GROUP/services/tls-svc/instances", Ct);
        Assert.True(instances.IsSuccessStatusCode, await instances.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task A_client_refuses_a_server_certificate_it_does_not_trust_and_says_which_setting_fixes_it()
    {
        await using var server = await ServerHost.StartAsync(tls: _certificates);
        var refused = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);

        // No CA configured: the machine's roots decide, and they do not know the test's CA.
        await using var app = await ClientApp.StartAsync("doubter", [server.TlsClientAddress], "doubter-svc", configure: builder =>
            builder.Logging.AddFakeLogging(o => o.OutputSink = line =>
            {
                if (line.Contains("does not trust", StringComparison.Ordinal))
                {
                    refused.TrySetResult(line);
                }
            }));

        var message = await refused.Task.WaitAsync(TimeSpan.FromSeconds(20), Ct);
        Assert.Contains("Meridian:Tls:CaCertificatePath", message, StringComparison.Ordinal);
        Assert.False(app.Services.GetRequiredService<Meridian.Client.Connection.MeridianConnection>().IsConnected);
        // Nothing reached the server: the app never registered.
        using var instances = await server.Http.GetAsync("/v1/namespaces/public/groups/DEFAULT_GROUP/services/doubter-svc/instances", Ct);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, instances.StatusCode);
    }

    [Fact]
    public async Task The_configuration_source_loads_over_https_with_the_private_ca_and_fails_without_it()
    {
        await using var server = await ServerHost.StartAsync(tls: _certificates);
        using var publish = await server.Http.PutAsJsonAsync(
            "/v1/namespaces/public/groups/DEFAULT_GROUP/configs/tls-shared.yaml", new { content = "greeting: over tls", type = "yaml" }, Ct);
        Assert.True(publish.IsSuccessStatusCode, await publish.Content.ReadAsStringAsync(Ct));
        var httpsAddress = server.Http.BaseAddress!.ToString();

        var trusted = Load(httpsAddress, _certificates.CaCertificatePath);
        Assert.Equal("over tls", trusted["greeting"]);

        var error = Assert.Throws<InvalidOperationException>(() => Load(httpsAddress, caCertificatePath: null));
        Assert.Contains("TLS certificate is not trusted", error.Message, StringComparison.Ordinal);
        Assert.Contains("Meridian:Tls:CaCertificatePath", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_client_port_serves_its_own_certificate_when_given_one_while_http_stays_plain_on_loopback()
    {
        await using var server = await ServerHost.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Meridian:Grpc:Certificate:Path"] = _certificates.ServerCertificatePath,
            ["Meridian:Grpc:Certificate:KeyPath"] = _certificates.ServerKeyPath,
        });
        Assert.StartsWith("http://", server.Http.BaseAddress!.ToString(), StringComparison.Ordinal);
        Assert.True(server.Services.GetRequiredService<Meridian.Protocols.Native.GrpcEndpoint>().IsTls);

        await using var app = await ClientApp.StartAsync("own-cert", [server.TlsClientAddress], settings: new Dictionary<string, string?>
        {
            ["Meridian:Tls:CaCertificatePath"] = _certificates.CaCertificatePath,
        });
        await app.Services.GetRequiredService<Meridian.Client.Connection.MeridianConnection>().WaitForConnectionAsync(Ct).WaitAsync(TimeSpan.FromSeconds(20), Ct);
    }

    [Fact]
    public async Task A_certificate_file_that_does_not_exist_stops_the_start_naming_the_setting()
    {
        var missing = Path.Combine(_certificates.Directory, "absent.pem");
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ServerHost.StartAsync(
            settings: new Dictionary<string, string?> { ["Meridian:Grpc:Certificate:Path"] = missing }));
        Assert.Contains($"Meridian:Grpc:Certificate: could not load the certificate '{missing}'", error.Message, StringComparison.Ordinal);

        var client = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => ClientApp.StartAsync(
            "no-ca", ["https://127.0.0.1:1"], settings: new Dictionary<string, string?> { ["Meridian:Tls:CaCertificatePath"] = missing }));
        Assert.Contains("Meridian:Tls:CaCertificatePath", client.Message, StringComparison.Ordinal);
    }

    private static IConfigurationRoot Load(string server, string? caCertificatePath)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Meridian:Config:ServerAddresses:0"] = server,
            ["Meridian:AccessKey"] = TestTokens.AdminToken,
            ["Meridian:Tls:CaCertificatePath"] = caCertificatePath,
            ["Meridian:Config:Refresh"] = "false",
            ["Meridian:Config:ExtensionConfigs:0:DataId"] = "tls-shared.yaml",
            ["Meridian:Config:ExtensionConfigs:0:Required"] = "true",
            ["Meridian:Config:ExtensionConfigs:0:Refresh"] = "false",
            ["Meridian:Config:SnapshotDirectory"] = TempDirectory.Create("meridian-tls-snapshots-"),
        };
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = "tls-app", EnvironmentName = "Test", DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddMeridianConfig();
        return builder.Configuration;
    }
}
