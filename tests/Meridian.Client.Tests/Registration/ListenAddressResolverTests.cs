using System.Net;
using Meridian.Client.Registration;

namespace Meridian.Client.Tests.Registration;

public sealed class ListenAddressResolverTests
{
    private static readonly Func<IEnumerable<IPAddress>> Nics = () => [IPAddress.Parse("172.17.0.3"), IPAddress.Parse("10.1.2.3")];

    [Fact]
    public void A_specific_bound_address_is_registered_as_bound_never_a_guessed_interface()
    {
        var resolved = ListenAddressResolver.Resolve(["http://127.0.0.1:5123"], new MeridianClientOptions(), Nics)!;
        Assert.Equal(("127.0.0.1", 5123, false), (resolved.Ip, resolved.Port, resolved.Guessed));
    }

    [Fact]
    public void A_wildcard_bind_registers_the_configured_ip_when_there_is_one()
    {
        var resolved = ListenAddressResolver.Resolve(["http://[::]:8080"], new MeridianClientOptions { Ip = "192.0.2.10" }, Nics)!;
        Assert.Equal(("192.0.2.10", 8080), (resolved.Ip, resolved.Port));
    }

    [Fact]
    public void A_wildcard_bind_prefers_an_address_in_a_preferred_network()
    {
        var resolved = ListenAddressResolver.Resolve(["http://0.0.0.0:8080"], new MeridianClientOptions { PreferredNetworks = ["10."] }, Nics)!;
        Assert.Equal(("10.1.2.3", true), (resolved.Ip, resolved.Guessed));
    }

    [Fact]
    public void A_wildcard_bind_without_hints_takes_the_first_non_loopback_interface_address()
    {
        var resolved = ListenAddressResolver.Resolve(["http://+:80"], new MeridianClientOptions(), Nics)!;
        Assert.Equal("172.17.0.3", resolved.Ip);
    }

    [Fact]
    public void Http_is_preferred_over_https_and_a_configured_port_wins()
    {
        var resolved = ListenAddressResolver.Resolve(["https://127.0.0.1:443", "http://127.0.0.1:80"], new MeridianClientOptions { Port = 9000 }, Nics)!;
        Assert.Equal(("127.0.0.1", 9000), (resolved.Ip, resolved.Port));
    }

    [Fact]
    public void Localhost_registers_the_loopback_address()
    {
        Assert.Equal("127.0.0.1", ListenAddressResolver.Resolve(["http://localhost:5000"], new MeridianClientOptions(), Nics)!.Ip);
    }
}
