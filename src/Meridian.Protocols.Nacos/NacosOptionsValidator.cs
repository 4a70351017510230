using Microsoft.Extensions.Options;

namespace Meridian.Protocols.Nacos;

internal sealed class NacosOptionsValidator : IValidateOptions<NacosOptions>
{
    public ValidateOptionsResult Validate(string? name, NacosOptions options)
    {
        var failures = new List<string>();
        Positive(failures, nameof(options.PushCacheTime), options.PushCacheTime);
        Positive(failures, nameof(options.PollCacheTime), options.PollCacheTime);
        Positive(failures, nameof(options.PushAckTimeout), options.PushAckTimeout);
        if (options.PushAttempts < 1)
        {
            failures.Add($"Meridian:Nacos:{nameof(options.PushAttempts)} must be at least 1 (1 sends each push once, without resending); got {options.PushAttempts}.");
        }
        if (options.SubscriberTimeout < options.PushCacheTime)
        {
            failures.Add($"Meridian:Nacos:{nameof(options.SubscriberTimeout)} ({options.SubscriberTimeout}) must be at least {nameof(options.PushCacheTime)} ({options.PushCacheTime}), or every subscriber is dropped between two of its polls.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Positive(List<string> failures, string name, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            failures.Add($"Meridian:Nacos:{name} must be a positive time span such as 00:00:10; got {value}.");
        }
    }
}
