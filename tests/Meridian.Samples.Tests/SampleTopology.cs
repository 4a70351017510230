using Meridian.Testing;
using System.Net.Http.Json;

namespace Meridian.Samples.Tests;

/// <summary>
/// The demo's topology as real processes on free ports: a Meridian server, user-services in HZ and SH, and
/// order-services, each with its own database.
/// </summary>
public sealed class SampleTopology : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly List<ChildProcess> _processes = [];
    private readonly string _work = Directory.CreateTempSubdirectory("meridian-samples-").FullName;

    public Uri Meridian { get; private set; } = null!;
    public string ClientAddress { get; private set; } = "";

    /// <summary>The access key the sample services run with, as a deployment would give them.</summary>
    public string AccessKey { get; private set; } = "";
    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    public static async Task<SampleTopology> StartServerAsync(CancellationToken cancellationToken)
    {
        var topology = new SampleTopology();
        var server = topology.Track(ChildProcess.StartDotnet("Meridian.Server.dll",
            "--urls", "http://127.0.0.1:0", "--Meridian:Grpc:Port=0", $"--Meridian:Storage:Sqlite:DataDirectory={topology._work}/meridian", TestAuth.AdminPasswordArgument));
        var http = await server.WaitForAsync(@"Meridian HTTP API .* on (http://[^\s;]+)", StartTimeout, cancellationToken);
        var grpc = await server.WaitForAsync(@"Meridian client connections \(gRPC, HTTP/2\) on (\S+)", StartTimeout, cancellationToken);
        topology.Meridian = new Uri(http.Groups[1].Value);
        topology.ClientAddress = grpc.Groups[1].Value;
        var token = await TestAuth.LoginAsync(topology.Http, topology.Meridian, cancellationToken);
        topology.Http.DefaultRequestHeaders.Authorization = new("Bearer", token);
        using var admin = TestAuth.ClientWith(topology.Meridian, token);
        topology.AccessKey = await TestAuth.CreateKeyAsync(admin, cancellationToken, "sample-services", ["*"]);
        return topology;
    }

    public async Task PublishAsync(string dataId, string yaml, CancellationToken cancellationToken, string ns = "public")
    {
        var response = await Http.PutAsJsonAsync(new Uri(Meridian, $"v1/namespaces/{ns}/groups/DEFAULT_GROUP/configs/{dataId}"), new { content = yaml, type = "yaml" }, cancellationToken);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
    }

    public async Task<(ChildProcess Process, Uri Address)> StartUserServiceAsync(string name, string cluster, CancellationToken cancellationToken, string ns = "public") =>
        await StartAppAsync("UserService.dll", name, cancellationToken,
            "--Meridian:ServiceName=userservice", "--Meridian:Config:ApplicationName=userservice", $"--Meridian:ClusterName={cluster}",
            $"--Meridian:Namespace={ns}");

    public async Task<(ChildProcess Process, Uri Address)> StartOrderServiceAsync(
        string name, string cluster, CancellationToken cancellationToken, string ns = "public", params string[] extra) =>
        await StartAppAsync("OrderService.dll", name, cancellationToken,
        [
            "--Meridian:ServiceName=orderservice", $"--Meridian:ClusterName={cluster}", $"--Meridian:Namespace={ns}",
            "--Meridian:LoadBalancing:Services:userservice:Rule=SameClusterFirst",
            .. extra,
        ]);

    /// <summary>The instances the server lists for a service in <c>public</c>.</summary>
    public async Task<int> RegisteredCountAsync(string service, CancellationToken cancellationToken)
    {
        var list = await Http.GetFromJsonAsync<System.Text.Json.JsonElement>(
            new Uri(Meridian, $"v1/namespaces/public/groups/DEFAULT_GROUP/services/{service}/instances"), cancellationToken);
        return list.GetProperty("instances").GetArrayLength();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in Enumerable.Reverse(_processes))
        {
            await process.DisposeAsync();
        }

        Http.Dispose();
        Directory.Delete(_work, recursive: true);
    }

    private async Task<(ChildProcess, Uri)> StartAppAsync(string dll, string name, CancellationToken cancellationToken, params string[] args)
    {
        var app = Track(ChildProcess.StartDotnet(dll,
        [
            "--urls", "http://127.0.0.1:0",
            $"--Meridian:ServerAddresses:0={ClientAddress}",
            $"--Meridian:Config:ServerAddresses:0={Meridian}",
            "--Meridian:Config:Environment=dev",
            $"--Meridian:Config:SnapshotDirectory={_work}/{name}-config",
            $"--Meridian:Discovery:SnapshotDirectory={_work}/{name}-discovery",
            $"--Database:Path={_work}/{name}.db",
            $"--Meridian:AccessKey={AccessKey}",
            .. args,
        ]));
        var listening = await app.WaitForAsync(@"Now listening on: (http://\S+)", StartTimeout, cancellationToken);
        return (app, new Uri(listening.Groups[1].Value));
    }

    private ChildProcess Track(ChildProcess process)
    {
        _processes.Add(process);
        return process;
    }
}
