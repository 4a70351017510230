using Meridian.Telemetry;
using Meridian.Validation;

namespace Meridian.Limits;

/// <summary>The refusal every quota gives: what is full, how full, and which setting raises it.</summary>
public static class Quota
{
    public static void ThrowIfReached(int count, int limit, string property, string what, ServerMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        if (count >= limit)
        {
            metrics.Rejected(property);
            throw new LimitExceededException(
                $"{what} already holds {count} of at most {limit}; remove some first, or raise {LimitOptions.Setting(property)}.");
        }
    }
}
