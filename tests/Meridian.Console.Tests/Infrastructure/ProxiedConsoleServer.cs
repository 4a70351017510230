namespace Meridian.Console.Tests.Infrastructure;

/// <summary>A <see cref="ConsoleServer"/> the browser reaches through nginx under <c>/meridian/</c>.</summary>
public sealed class ProxiedConsoleServer : IAsyncLifetime
{
    private NginxPrefixProxy? _proxy;

    public ConsoleServer Console { get; } = new();

    public async ValueTask InitializeAsync()
    {
        await Console.InitializeAsync();
        _proxy = await NginxPrefixProxy.StartAsync(Console.Server.BaseAddress, CancellationToken.None);
        Console.ConsoleAddress = _proxy.Address;
    }

    public async ValueTask DisposeAsync()
    {
        if (_proxy is not null)
        {
            await _proxy.DisposeAsync();
        }

        await Console.DisposeAsync();
    }
}
