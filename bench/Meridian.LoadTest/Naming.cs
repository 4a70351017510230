using System.Globalization;

namespace Meridian.LoadTest;

/// <summary>
/// How benchmark instances are named and laid out, shared by both targets so they hold the same data: N instances
/// fill N/100 services of 100, instance i in service <c>{prefix}-{i mod N/100}</c>, so concurrent registrations
/// spread over services as they do in a fleet; each has a loopback address (nothing ever connects to it).
/// </summary>
internal static class Naming
{
    public const int InstancesPerService = 100;

    public static int Services(long instances) => (int)Math.Max(1, instances / InstancesPerService);

    public static string Service(string prefix, long i, int services) => string.Create(CultureInfo.InvariantCulture, $"{prefix}-{i % services:D5}");

    public static string InstanceId(long i) => string.Create(CultureInfo.InvariantCulture, $"i{i}");

    public static string Ip(long i) => string.Create(CultureInfo.InvariantCulture, $"127.{(i >> 16) & 0xFF}.{(i >> 8) & 0xFF}.{(i & 0xFF) + 1}");

    public static int Port(long i) => 1024 + (int)(i % 60_000);

    public static string ConfigContent(long version, int bytes)
    {
        var head = string.Create(CultureInfo.InvariantCulture, $"version={version}\n");
        return head + new string('x', Math.Max(0, bytes - head.Length));
    }
}
