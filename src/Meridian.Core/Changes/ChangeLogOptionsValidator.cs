using Microsoft.Extensions.Options;

namespace Meridian.Changes;

internal sealed class ChangeLogOptionsValidator : IValidateOptions<ChangeLogOptions>
{
    public ValidateOptionsResult Validate(string? name, ChangeLogOptions options)
    {
        var errors = new List<string>();
        if (options.Retention < TimeSpan.FromMinutes(3))
        {
            errors.Add($"{ChangeLogOptions.SectionName}:Retention must be at least 3 minutes (Eureka's delta reads that far back); got {options.Retention}.");
        }

        if (options.MaxWindowEntries < 100)
        {
            errors.Add($"{ChangeLogOptions.SectionName}:MaxWindowEntries must be at least 100; got {options.MaxWindowEntries}.");
        }

        if (options.MaxBatch is < 1 or > 100_000)
        {
            errors.Add($"{ChangeLogOptions.SectionName}:MaxBatch must be between 1 and 100000; got {options.MaxBatch}.");
        }

        if (options.CompactionInterval < TimeSpan.FromSeconds(1))
        {
            errors.Add($"{ChangeLogOptions.SectionName}:CompactionInterval must be at least 1 second; got {options.CompactionInterval}.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
