using System.Globalization;
using System.Text;

namespace Meridian.Protocols.Eureka.Wire;

/// <summary>
/// Eureka's <c>apps__hashcode</c>: <c>STATUS_count_</c> for every status present, statuses in alphabetical order
/// (e.g. <c>DOWN_1_UP_3_</c>; empty registry: ""). Java clients recompute it after applying a delta and fetch the
/// full registry when theirs differs, so it must count every instance, not only UP ones.
/// </summary>
internal static class EurekaAppsHashCode
{
    public static string Compute(IEnumerable<EurekaApplication> applications)
    {
        Span<int> counts = stackalloc int[EurekaStatus.All.Length];
        foreach (var application in applications)
        {
            foreach (var instance in application.Instances)
            {
                counts[Array.IndexOf(EurekaStatus.All, instance.Status)]++;
            }
        }

        var text = new StringBuilder();
        for (var i = 0; i < counts.Length; i++)
        {
            if (counts[i] > 0)
            {
                text.Append(EurekaStatus.All[i]).Append('_').Append(counts[i].ToString(CultureInfo.InvariantCulture)).Append('_');
            }
        }

        return text.ToString();
    }
}
