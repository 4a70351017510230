using System.Net.Http.Json;
using Meridian.Testing;

namespace Meridian.Cli.Tests.Infrastructure;

/// <summary>
/// A real server started as users start it, <c>meridian server</c> (auth on, a free port, its own data folder), shared
/// by the tests of one class, and a way to run the CLI against it with a HOME of its own.
/// </summary>
public sealed class CliServer : IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("meridian-cli-").FullName;
    private ChildProcess? _process;

    public Uri Address { get; private set; } = null!;

    /// <summary>The administrator's token, for arranging state through the API.</summary>
    public string Token { get; private set; } = "";

    public HttpClient Admin { get; private set; } = null!;

    /// <summary>The HOME the CLI runs with (where 'meridian login' writes its profile).</summary>
    public string Home => Path.Combine(_root, "home");

    public string Output => _process?.Output ?? "";

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(Home);
        _process = ChildProcess.Start("dotnet",
        [
            CliRun.Dll, "server", "--urls", "http://127.0.0.1:0", "--Meridian:Grpc:Port=0",
            $"--Meridian:Storage:Sqlite:DataDirectory={Path.Combine(_root, "data")}", TestAuth.AdminPasswordArgument, TestAuth.SigningKeyArgument,
        ]);
        var ct = TestContext.Current.CancellationToken;
        var listening = await _process.WaitForAsync(@"Meridian HTTP API .* on (http://[^\s;]+)", TimeSpan.FromSeconds(60), ct);
        Address = new Uri(listening.Groups[1].Value);
        using var login = new HttpClient();
        Token = await TestAuth.LoginAsync(login, Address, ct);
        Admin = TestAuth.ClientWith(Address, Token);
    }

    /// <summary>The environment of a logged-in user: the server and the admin token from MERIDIAN_* variables.</summary>
    public Dictionary<string, string> Environment(params (string Key, string Value)[] extra)
    {
        var environment = new Dictionary<string, string>
        {
            ["HOME"] = Home,
            ["MERIDIAN_SERVER"] = Address.ToString(),
            ["MERIDIAN_TOKEN"] = Token,
        };
        foreach (var (key, value) in extra)
        {
            environment[key] = value;
        }

        return environment;
    }

    public Task<CliResult> RunAsync(params string[] args) => CliRun.RunAsync(args, Environment(), null, TestContext.Current.CancellationToken);

    public Task<CliResult> RunWithInputAsync(string stdin, params string[] args) =>
        CliRun.RunAsync(args, Environment(), stdin, TestContext.Current.CancellationToken);

    /// <summary>Runs with exactly this environment (no token unless it names one).</summary>
    public Task<CliResult> RunAsAsync(IReadOnlyDictionary<string, string> environment, params string[] args) =>
        CliRun.RunAsync(args, environment, null, TestContext.Current.CancellationToken);

    /// <summary>Arranges state through the API; fails the test with the server's answer if it is refused.</summary>
    public async Task ArrangeAsync(HttpMethod method, string path, object? body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        using var response = await Admin.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
    }

    public async ValueTask DisposeAsync()
    {
        Admin?.Dispose();
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }

        Directory.Delete(_root, recursive: true);
    }
}
