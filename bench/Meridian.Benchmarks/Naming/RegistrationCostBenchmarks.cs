using BenchmarkDotNet.Attributes;
using Meridian.Auth;
using Meridian.Naming;
using Microsoft.Extensions.DependencyInjection;

namespace Meridian.Benchmarks.Naming;

/// <summary>
/// What one more registration costs the core (validate, change log, apply, publish) in a service that already holds
/// <see cref="Size"/> instances, with the store left out: the same at 100 and at 100,000 when nothing is rebuilt per
/// instance.
/// </summary>
[MemoryDiagnoser]
public class RegistrationCostBenchmarks
{
    private static readonly ServiceKey Key = new("public", "DEFAULT_GROUP", "big");

    private ServiceProvider _core = null!;
    private RegistryCommands _commands = null!;
    private int _next;

    [Params(100, 100_000)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _core = CoreGraph.Start();
        _commands = _core.GetRequiredService<RegistryCommands>();
        Task.WhenAll(Enumerable.Range(0, Size).Select(i => Register(i))).GetAwaiter().GetResult();
        _next = Size;
    }

    [Benchmark(Description = "register one more instance")]
    public Task<Instance> RegisterOneMore() => Register(_next++);

    [GlobalCleanup]
    public void Cleanup() => _core.Dispose();

    private Task<Instance> Register(int i) =>
        _commands.RegisterAsync(Key, new InstanceRegistration { Ip = $"10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}", Port = 8080 }, Caller.System, default);
}
