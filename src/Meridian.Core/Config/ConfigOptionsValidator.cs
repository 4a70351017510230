using Microsoft.Extensions.Options;

namespace Meridian.Config;

internal sealed class ConfigOptionsValidator : IValidateOptions<ConfigOptions>
{
    /// <summary>SQLite stores content as one TEXT value; past this a single config is a database, not a setting.</summary>
    private const int ContentCeiling = 16 * 1024 * 1024;

    public ValidateOptionsResult Validate(string? name, ConfigOptions options)
    {
        var failures = new List<string>();
        if (options.MaxContentBytes is < 1 or > ContentCeiling)
        {
            failures.Add($"{nameof(options.MaxContentBytes)} must be between 1 and {ContentCeiling}; got {options.MaxContentBytes}.");
        }

        if (options.HistoryRetention <= TimeSpan.Zero)
        {
            failures.Add($"{nameof(options.HistoryRetention)} must be positive.");
        }

        if (options.HistoryCleanupInterval <= TimeSpan.Zero)
        {
            failures.Add($"{nameof(options.HistoryCleanupInterval)} must be positive.");
        }

        if (options.ListenerMinTimeout <= TimeSpan.Zero || options.ListenerMaxTimeout < options.ListenerMinTimeout)
        {
            failures.Add($"{nameof(options.ListenerMinTimeout)} must be positive and not longer than {nameof(options.ListenerMaxTimeout)}.");
        }

        if (options.ListenerDefaultTimeout < options.ListenerMinTimeout || options.ListenerDefaultTimeout > options.ListenerMaxTimeout)
        {
            failures.Add($"{nameof(options.ListenerDefaultTimeout)} ({options.ListenerDefaultTimeout}) must lie between {nameof(options.ListenerMinTimeout)} and {nameof(options.ListenerMaxTimeout)}.");
        }

        if (options.MaxListenedConfigs < 1)
        {
            failures.Add($"{nameof(options.MaxListenedConfigs)} must be at least 1.");
        }

        if (options.MaxArchiveBytes < 1)
        {
            failures.Add($"{nameof(options.MaxArchiveBytes)} must be at least 1.");
        }

        if (options.MaxArchiveEntries < 1)
        {
            failures.Add($"{nameof(options.MaxArchiveEntries)} must be at least 1.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
