using Meridian.Validation;
using Microsoft.Extensions.Options;

namespace Meridian.Protocols.Eureka;

internal sealed class EurekaOptionsValidator : IValidateOptions<EurekaOptions>
{
    public ValidateOptionsResult Validate(string? name, EurekaOptions options)
    {
        var failures = new List<string>();
        var errors = new ValidationErrors();
        Rules.Name(errors, "Meridian:Eureka:Namespace", options.Namespace);
        Rules.Name(errors, "Meridian:Eureka:Group", options.Group);
        try
        {
            errors.ThrowIfAny();
        }
        catch (InvalidInputException e)
        {
            failures.AddRange(e.Errors.SelectMany(p => p.Value));
        }

        if (options.DeltaRetention <= TimeSpan.Zero)
        {
            failures.Add($"Meridian:Eureka:DeltaRetention must be positive, such as 00:03:00; got {options.DeltaRetention}.");
        }

        if (options.DeltaCapacity < 1)
        {
            failures.Add($"Meridian:Eureka:DeltaCapacity must be at least 1; got {options.DeltaCapacity}.");
        }

        if (options.RenewalPercentThreshold is <= 0 or > 1 || double.IsNaN(options.RenewalPercentThreshold))
        {
            failures.Add($"Meridian:Eureka:RenewalPercentThreshold must be above 0 and at most 1; got {options.RenewalPercentThreshold}.");
        }

        if (options.DefaultLeaseDuration < TimeSpan.FromSeconds(1) || options.DefaultRenewalInterval < TimeSpan.FromSeconds(1))
        {
            failures.Add("Meridian:Eureka:DefaultLeaseDuration and DefaultRenewalInterval must be at least one second.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
