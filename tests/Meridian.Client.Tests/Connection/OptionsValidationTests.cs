using Meridian.Client.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace Meridian.Client.Tests.Connection;

public sealed class OptionsValidationTests
{
    [Fact]
    public async Task Missing_or_malformed_settings_stop_the_start_saying_what_to_fix()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => ClientApp.StartAsync(
            "broken", ["not a server address"], "svc!", new Dictionary<string, string?> { ["Meridian:Weight"] = "-1" }));

        Assert.Contains("Meridian:ServerAddresses has 'not a server address'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Meridian:ServiceName", error.Message, StringComparison.Ordinal);
        Assert.Contains("Meridian:Weight is -1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_server_address_at_all_is_refused_with_an_example()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => ClientApp.StartAsync("lost", [], "svc"));
        Assert.Contains("ServerAddresses", error.Message, StringComparison.Ordinal);
    }
}
