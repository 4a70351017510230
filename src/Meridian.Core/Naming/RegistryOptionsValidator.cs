using Microsoft.Extensions.Options;

namespace Meridian.Naming;

internal sealed class RegistryOptionsValidator : IValidateOptions<RegistryOptions>
{
    public ValidateOptionsResult Validate(string? name, RegistryOptions options)
    {
        var failures = new List<string>();
        if (options.HeartbeatTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{nameof(options.HeartbeatTimeout)} must be positive.");
        }

        if (options.DeleteTimeout < options.HeartbeatTimeout)
        {
            failures.Add($"{nameof(options.DeleteTimeout)} ({options.DeleteTimeout}) must not be shorter than {nameof(options.HeartbeatTimeout)} ({options.HeartbeatTimeout}).");
        }

        if (options.HeartbeatInterval <= TimeSpan.Zero || options.HeartbeatInterval >= options.HeartbeatTimeout)
        {
            failures.Add($"{nameof(options.HeartbeatInterval)} must be positive and shorter than {nameof(options.HeartbeatTimeout)}.");
        }

        if (options.SweepInterval <= TimeSpan.Zero)
        {
            failures.Add($"{nameof(options.SweepInterval)} must be positive.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
