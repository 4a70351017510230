using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace Meridian.Samples.Tests;

/// <summary>Microsoft.FeatureManagement reads its flags from Meridian configs and follows every publish.</summary>
public sealed class FeatureFlagTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_published_flag_switches_the_running_user_service_within_a_second_and_back()
    {
        await using var topology = await SampleTopology.StartServerAsync(Ct);
        await topology.PublishAsync("userservice.yaml", "FeatureManagement:\n  MaskAddress: false\n", Ct);
        var user = await topology.StartUserServiceAsync("user-flags", "HZ", Ct);
        var http = topology.Http;
        async Task<string> AddressAsync() =>
            (await http.GetFromJsonAsync<JsonElement>(new Uri(user.Address, "/user/1"), Ct)).GetProperty("address").GetString()!;
        Assert.Equal("1 Lake Road, Hangzhou", await AddressAsync());

        var flipped = Stopwatch.StartNew();
        await topology.PublishAsync("userservice.yaml", "FeatureManagement:\n  MaskAddress: true\n", Ct);
        await Eventually.HoldsAsync(async () => await AddressAsync() == "*** Hangzhou", "the flag to mask the address", TimeSpan.FromSeconds(1));
        Assert.InRange(flipped.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(1));

        // A more specific config wins, as for any setting: the -dev config switches it off again for this environment.
        await topology.PublishAsync("userservice-dev.yaml", "FeatureManagement:\n  MaskAddress: false\n", Ct);
        await Eventually.HoldsAsync(async () => await AddressAsync() == "1 Lake Road, Hangzhou", "the dev config to switch the flag off", TimeSpan.FromSeconds(1));
    }
}
