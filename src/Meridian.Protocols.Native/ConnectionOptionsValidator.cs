using Microsoft.Extensions.Options;

namespace Meridian.Protocols.Native;

internal sealed class ConnectionOptionsValidator : IValidateOptions<ConnectionOptions>, IValidateOptions<GrpcOptions>
{
    public ValidateOptionsResult Validate(string? name, ConnectionOptions options)
    {
        var errors = new List<string>();
        if (options.Grace < TimeSpan.Zero || options.Grace > TimeSpan.FromMinutes(10))
        {
            errors.Add($"{ConnectionOptions.SectionName}:Grace is {options.Grace}; use 00:00:00 to 00:10:00 (default 00:00:03).");
        }

        if (options.PingInterval < TimeSpan.FromMilliseconds(100))
        {
            errors.Add($"{ConnectionOptions.SectionName}:PingInterval is {options.PingInterval}; use at least 00:00:00.1 (default 00:00:10).");
        }

        if (options.IdleTimeout < options.PingInterval * 2)
        {
            errors.Add($"{ConnectionOptions.SectionName}:IdleTimeout ({options.IdleTimeout}) must be at least twice PingInterval ({options.PingInterval}), or healthy idle clients get cut off.");
        }

        if (options.HelloTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{ConnectionOptions.SectionName}:HelloTimeout must be positive (default 00:00:10).");
        }

        if (options.MaxPendingReplies < 16)
        {
            errors.Add($"{ConnectionOptions.SectionName}:MaxPendingReplies is {options.MaxPendingReplies}; use at least 16 (default 1024).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    public ValidateOptionsResult Validate(string? name, GrpcOptions options)
    {
        var errors = new List<string>();
        if (options.Port is < 0 or > 65535)
        {
            errors.Add($"{GrpcOptions.SectionName}:Port is {options.Port}; use 1..65535, or 0 for any free port (default {GrpcOptions.DefaultPort}).");
        }

        // A certificate that cannot be loaded stops the build already, when Kestrel's listeners are configured.
        if (options.Certificate is { Path: null or "", KeyPath.Length: > 0 })
        {
            errors.Add($"{GrpcOptions.SectionName}:Certificate:KeyPath is set without Path; give the certificate file too.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
