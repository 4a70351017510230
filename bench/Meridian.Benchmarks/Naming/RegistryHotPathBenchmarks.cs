using BenchmarkDotNet.Attributes;
using Meridian.Auth;
using Meridian.Naming;
using Microsoft.Extensions.DependencyInjection;

namespace Meridian.Benchmarks.Naming;

/// <summary>The registry's hot paths: a heartbeat and an instance list, on a registry holding 10,000 instances.</summary>
[MemoryDiagnoser]
public class RegistryHotPathBenchmarks
{
    private const int Services = 100;
    private const int InstancesPerService = 100;

    private ServiceProvider _core = null!;
    private RegistryProjection _registry = null!;
    private RegistryCommands _commands = null!;
    private ServiceKey[] _keys = null!;
    private string[] _ids = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _core = CoreGraph.Start();
        _registry = _core.GetRequiredService<RegistryProjection>();
        _commands = _core.GetRequiredService<RegistryCommands>();
        _keys = [.. Enumerable.Range(0, Services).Select(s => new ServiceKey("public", "DEFAULT_GROUP", $"service-{s}"))];
        var ids = new List<string>();
        foreach (var key in _keys)
        {
            for (var i = 0; i < InstancesPerService; i++)
            {
                var instance = _commands.RegisterAsync(key, new InstanceRegistration { Ip = $"10.0.{i / 250}.{i % 250 + 1}", Port = 8080 }, Caller.System, default)
                    .GetAwaiter().GetResult();
                ids.Add(instance.InstanceId);
            }
        }

        _ids = [.. ids];
    }

    [Benchmark(Description = "heartbeat (10k instances)")]
    public ValueTask<bool> Heartbeat()
    {
        var n = _next = (_next + 1) % _ids.Length;
        return _commands.HeartbeatAsync(_keys[n / InstancesPerService], _ids[n], Caller.System, default);
    }

    [Benchmark(Description = "list 100 instances, healthy only")]
    public int ListHealthy()
    {
        var n = _next = (_next + 1) % Services;
        return _registry.ListInstances(_keys[n], new InstanceFilter(HealthyOnly: true))!.Value.Instances.Length;
    }

    [Benchmark(Description = "list 100 instances, all")]
    public int ListAll()
    {
        var n = _next = (_next + 1) % Services;
        return _registry.ListInstances(_keys[n], InstanceFilter.All)!.Value.Instances.Length;
    }

    [GlobalCleanup]
    public void Cleanup() => _core.Dispose();
}
