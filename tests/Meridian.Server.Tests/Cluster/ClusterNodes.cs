using Meridian.Server.Tests.Infrastructure;

namespace Meridian.Server.Tests.Cluster;

/// <summary>One node of a test cluster: its process and its own local folder.</summary>
public sealed record ServerProcessNode(ServerProcess Process, string DataDirectory)
{
    public HttpClient Client => Process.Client;
    public Uri BaseAddress => Process.BaseAddress;
    public Uri GrpcAddress => Process.GrpcAddress;
    public string Token => Process.Token;
}

/// <summary>
/// Server processes sharing one PostgreSQL database, started at the same moment (so they race to migrate it), each
/// with a node id of its own.
/// </summary>
public sealed class ClusterNodes : IAsyncDisposable
{
    private readonly List<ServerProcessNode> _nodes;

    private ClusterNodes(List<ServerProcessNode> nodes, string connectionString)
    {
        _nodes = nodes;
        ConnectionString = connectionString;
    }

    public string ConnectionString { get; }

    public ServerProcessNode this[int index] => _nodes[index];

    public int Count => _nodes.Count;

    public static async Task<ClusterNodes> StartAsync(PostgresFixture postgres, int count, CancellationToken cancellationToken, string? connectionString = null)
    {
        connectionString ??= await postgres.NewDatabaseAsync(cancellationToken);
        var starting = Enumerable.Range(1, count).Select(n => StartNodeAsync(connectionString, $"node{n}", cancellationToken)).ToList();
        try
        {
            return new ClusterNodes([.. await Task.WhenAll(starting)], connectionString);
        }
        catch
        {
            foreach (var node in starting.Where(t => t.IsCompletedSuccessfully))
            {
                await DisposeAsync(node.Result);
            }

            throw;
        }
    }

    public static async Task<ServerProcessNode> StartNodeAsync(string connectionString, string nodeId, CancellationToken cancellationToken)
    {
        var data = Directory.CreateTempSubdirectory("meridian-test-").FullName;
        var process = await ServerProcess.StartAsync(data, cancellationToken,
            "--Meridian:Storage:Provider=Postgres", $"--Meridian:Storage:Postgres:ConnectionString={connectionString}", $"--Meridian:Node:Id={nodeId}", "--Logging:LogLevel:Meridian.Changes=Debug");
        return new ServerProcessNode(process, data);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await DisposeAsync(node);
        }
    }

    private static async Task DisposeAsync(ServerProcessNode node)
    {
        await node.Process.DisposeAsync();
        try
        {
            Directory.Delete(node.DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Left to the temp cleaner.
        }
    }
}
