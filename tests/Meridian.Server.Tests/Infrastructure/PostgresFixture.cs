using Meridian.Testing;

[assembly: AssemblyFixture(typeof(Meridian.Server.Tests.Infrastructure.PostgresFixture))]

namespace Meridian.Server.Tests.Infrastructure;

/// <summary>
/// One real PostgreSQL for the test assembly (initdb and pg_ctl in a temp folder), started by the first test that asks;
/// each test takes a database of its own.
/// </summary>
public sealed class PostgresFixture : IAsyncDisposable
{
    private readonly Lazy<Task<PostgresServer>> _server = new(() => PostgresServer.StartAsync(CancellationToken.None));
    private int _databases;

    public Task<PostgresServer> ServerAsync() => _server.Value;

    /// <summary>A new, empty database; its connection string.</summary>
    public async Task<string> NewDatabaseAsync(CancellationToken cancellationToken)
    {
        var server = await _server.Value.WaitAsync(cancellationToken);
        return await server.CreateDatabaseAsync($"test_{Interlocked.Increment(ref _databases)}", cancellationToken);
    }

    /// <summary>The settings that put a server's data in <paramref name="connectionString"/>'s database.</summary>
    public static Dictionary<string, string?> Settings(string connectionString) => new()
    {
        ["Meridian:Storage:Provider"] = "Postgres",
        ["Meridian:Storage:Postgres:ConnectionString"] = connectionString,
    };

    public async ValueTask DisposeAsync()
    {
        // One that never started has failed the test that asked, with the reason.
        if (_server.IsValueCreated && _server.Value.IsCompletedSuccessfully)
        {
            await _server.Value.Result.DisposeAsync();
        }
    }
}
