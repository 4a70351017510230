using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Meridian.Client.LoadBalancing;

/// <summary>
/// The resilience pipeline around a balanced client's instance choice, outermost first: a total timeout, the retry
/// (<see cref="RetryRule"/>; each attempt goes through the Meridian handler again, so it picks another instance) and
/// a timeout per attempt. There is no client-wide circuit breaker: one breaker for all of a service's instances would
/// open on a few dead ones and cut the healthy rest off too. Its per-instance job is done by the balancer, which keeps
/// an instance that refused a connection out of rotation for <c>FailureCooldown</c> and takes it back once it answers.
/// </summary>
internal static class MeridianResiliencePipeline
{
    public const string Name = "meridian";

    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, MeridianLoadBalancingOptions options)
    {
        pipeline.AddTimeout(new TimeoutStrategyOptions { Name = "Meridian-TotalTimeout", Timeout = options.TotalTimeout });
        if (options.MaxAttempts > 1)
        {
            pipeline.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                Name = "Meridian-Retry",
                MaxRetryAttempts = options.MaxAttempts - 1,
                // The next attempt goes to another instance, so there is nothing to wait for.
                Delay = TimeSpan.Zero,
                BackoffType = DelayBackoffType.Constant,
                UseJitter = false,
                ShouldHandle = static args => ValueTask.FromResult(RetryRule.ShouldRetry(args.Outcome, args.Context.GetRequestMessage())),
            });
        }

        pipeline.AddTimeout(new TimeoutStrategyOptions { Name = "Meridian-AttemptTimeout", Timeout = options.AttemptTimeout });
    }
}
