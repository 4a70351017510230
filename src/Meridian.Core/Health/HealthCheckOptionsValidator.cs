using Microsoft.Extensions.Options;

namespace Meridian.Health;

internal sealed class HealthCheckOptionsValidator : IValidateOptions<HealthCheckOptions>
{
    public ValidateOptionsResult Validate(string? name, HealthCheckOptions options)
    {
        var failures = new List<string>();
        if (options.Interval <= TimeSpan.Zero)
        {
            failures.Add($"{nameof(options.Interval)} must be positive.");
        }

        if (options.Timeout <= TimeSpan.Zero)
        {
            failures.Add($"{nameof(options.Timeout)} must be positive.");
        }

        if (options.FailureThreshold < 1 || options.SuccessThreshold < 1)
        {
            failures.Add($"{nameof(options.FailureThreshold)} and {nameof(options.SuccessThreshold)} must be at least 1.");
        }

        foreach (var network in options.AllowedNetworks ?? [])
        {
            if (!System.Net.IPNetwork.TryParse(network, out _))
            {
                failures.Add($"AllowedNetworks has '{network}', which is not a network in CIDR form (e.g. 10.0.0.0/8 or fc00::/7).");
            }
        }

        if (options.MaxConcurrency < 1)
        {
            failures.Add($"{nameof(options.MaxConcurrency)} must be at least 1.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
