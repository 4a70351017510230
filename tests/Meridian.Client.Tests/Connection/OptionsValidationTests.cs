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

    [Fact]
    public async Task Retry_attempts_and_timeouts_out_of_range_stop_the_start()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => ClientApp.StartAsync("broken", ["127.0.0.1:1"], settings: new Dictionary<string, string?>
        {
            ["Meridian:LoadBalancing:MaxAttempts"] = "0",
            ["Meridian:LoadBalancing:AttemptTimeout"] = "00:01:00",
            ["Meridian:LoadBalancing:TotalTimeout"] = "00:00:30",
            ["Meridian:LoadBalancing:FailureCooldown"] = "-00:00:01",
        }));

        Assert.Contains("Meridian:LoadBalancing:MaxAttempts is 0", error.Message, StringComparison.Ordinal);
        Assert.Contains("Meridian:LoadBalancing:AttemptTimeout (00:01:00) is above TotalTimeout (00:00:30)", error.Message, StringComparison.Ordinal);
        Assert.Contains("Meridian:LoadBalancing:FailureCooldown is -00:00:01", error.Message, StringComparison.Ordinal);
    }
}
