using Microsoft.Extensions.Options;

namespace Meridian.Limits;

internal sealed class LimitOptionsValidator : IValidateOptions<LimitOptions>
{
    public ValidateOptionsResult Validate(string? name, LimitOptions options)
    {
        var failures = new List<string>();
        Positive(failures, nameof(options.MaxInstancesPerService), options.MaxInstancesPerService);
        Positive(failures, nameof(options.MaxServicesPerNamespace), options.MaxServicesPerNamespace);
        Positive(failures, nameof(options.MaxConfigsPerNamespace), options.MaxConfigsPerNamespace);
        Positive(failures, nameof(options.MaxSubscriptionsPerConnection), options.MaxSubscriptionsPerConnection);
        Positive(failures, nameof(options.MaxConnectionsPerAddress), options.MaxConnectionsPerAddress);
        if (options.RequestsPerSecondPerCaller is < 0 or > 0 and < 10)
        {
            failures.Add($"{LimitOptions.Setting(nameof(options.RequestsPerSecondPerCaller))} must be 0 (no limit) or at least 10 (the buckets refill ten times a second); got {options.RequestsPerSecondPerCaller}.");
        }

        if (options.RequestsPerSecondPerCaller > 0 && options.RequestBurstPerCaller < 1)
        {
            failures.Add($"{LimitOptions.Setting(nameof(options.RequestBurstPerCaller))} must be at least 1 while a request rate is set; got {options.RequestBurstPerCaller}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Positive(List<string> failures, string property, int value)
    {
        if (value < 1)
        {
            failures.Add($"{LimitOptions.Setting(property)} must be at least 1; got {value}.");
        }
    }
}
