namespace Meridian.Samples.Tests;

/// <summary>
/// Waits for another process to reach a state the test can only observe from outside (a pushed list, a reloaded
/// setting): checks on a short timer until the condition holds or the time is up.
/// </summary>
public static class Eventually
{
    public static async Task HoldsAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = TimeProvider.System.GetTimestamp() + (long)((timeout ?? TimeSpan.FromSeconds(20)).TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        do
        {
            if (await condition())
            {
                return;
            }
        }
        while (TimeProvider.System.GetTimestamp() < deadline && await timer.WaitForNextTickAsync(TestContext.Current.CancellationToken));

        Assert.Fail($"Timed out waiting for: {what}");
    }
}
