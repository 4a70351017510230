using Meridian.Client.Discovery;

namespace Meridian.Client.Tests.Infrastructure;

public static class DiscoveryExtensions
{
    /// <summary>Awaits the first list of the service that satisfies <paramref name="until"/>: the current one or a pushed one.</summary>
    public static async Task<ServiceInstances> WaitForAsync(
        this IMeridianDiscovery discovery, string service, Func<ServiceInstances, bool> until, TimeSpan? timeout = null)
    {
        var reached = new TaskCompletionSource<ServiceInstances>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = discovery.Subscribe(service, list =>
        {
            if (until(list))
            {
                reached.TrySetResult(list);
            }
        });
        var current = await discovery.GetServiceAsync(service, cancellationToken: TestContext.Current.CancellationToken);
        if (until(current))
        {
            return current;
        }

        // Generous by default: the whole suite shares two cores, and a loaded machine is no reason for a test to fail.
        return await reached.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
    }

    public static Task<ServiceInstances> WaitForServingAsync(this IMeridianDiscovery discovery, string service, int count, TimeSpan? timeout = null) =>
        discovery.WaitForAsync(service, s => s.Serving.Count == count, timeout);
}
