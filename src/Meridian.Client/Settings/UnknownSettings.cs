using System.Collections;
using System.Reflection;
using Meridian.Client.Configuration;
using Microsoft.Extensions.Configuration;

namespace Meridian.Client.Settings;

/// <summary>
/// Finds keys under the <c>Meridian</c> section that no option reads (a misspelt <c>ServiceNmae</c> is otherwise
/// silently ignored and the app runs on defaults), each with the closest valid name at its level. The valid names
/// come from the options classes themselves, so they never drift from what is bound.
/// </summary>
internal static class UnknownSettings
{
    /// <summary>
    /// What a Meridian server reads under the same section, for an app (or a test) that hosts one beside its client:
    /// the client leaves these to the server's own start-up checks.
    /// </summary>
    private static readonly string[] ServerSections =
        ["Auth", "ChangeLog", "Connections", "Eureka", "Grpc", "HealthChecks", "Limits", "Nacos", "Node", "Registry", "Storage"];

    /// <summary>The unknown keys' full paths, with the closest valid path or null when nothing is close.</summary>
    public static IReadOnlyList<(string Path, string? Suggestion)> Find(IConfiguration configuration)
    {
        var found = new List<(string, string?)>();
        var root = configuration.GetSection(MeridianClientOptions.SectionName);
        var known = Properties(typeof(MeridianClientOptions));
        // The configuration source reads its own subsection.
        known["Config"] = typeof(MeridianConfigOptions);
        foreach (var section in ServerSections)
        {
            known.TryAdd(section, typeof(object));
        }

        Check(root, known, found);
        return found;
    }

    private static void Check(IConfigurationSection section, Dictionary<string, Type> known, List<(string, string?)> found)
    {
        foreach (var child in section.GetChildren())
        {
            if (!known.TryGetValue(child.Key, out var type))
            {
                found.Add((child.Path, Closest(child.Key, known.Keys) is { } near ? $"{section.Path}:{near}" : null));
                continue;
            }

            CheckValue(child, type, found);
        }
    }

    private static void CheckValue(IConfigurationSection section, Type type, List<(string, string?)> found)
    {
        if (IsLeaf(type) || type == typeof(object))
        {
            return;
        }

        if (ElementOf(type) is { } element)
        {
            // A list's indexes or a dictionary's keys are the user's own; only their values have a shape.
            foreach (var item in section.GetChildren())
            {
                CheckValue(item, element, found);
            }

            return;
        }

        Check(section, Properties(type), found);
    }

    private static Dictionary<string, Type> Properties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite || !IsLeaf(p.PropertyType))
            .ToDictionary(p => p.Name, p => p.PropertyType, StringComparer.OrdinalIgnoreCase);

    private static bool IsLeaf(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(decimal) || t == typeof(TimeSpan) || t == typeof(Uri) ||
            t == typeof(DateTimeOffset) || t == typeof(DateTime) || t == typeof(Guid);
    }

    private static Type? ElementOf(Type type)
    {
        if (type.IsArray)
        {
            return type.GetElementType();
        }

        if (!typeof(IEnumerable).IsAssignableFrom(type) || !type.IsGenericType)
        {
            return null;
        }

        var arguments = type.GetGenericArguments();
        return arguments[^1];
    }

    /// <summary>The valid name nearest by edit distance, if it is near enough to be a slip of the keyboard.</summary>
    private static string? Closest(string key, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var distance = Distance(key.ToUpperInvariant(), candidate.ToUpperInvariant());
            if (distance < bestDistance)
            {
                (best, bestDistance) = (candidate, distance);
            }
        }

        return bestDistance <= Math.Max(2, key.Length / 3) ? best : null;
    }

    /// <summary>Levenshtein distance with adjacent transpositions counted as one edit.</summary>
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
