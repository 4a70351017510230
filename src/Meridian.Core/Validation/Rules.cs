using System.Buffers;
using System.Net;

namespace Meridian.Validation;

/// <summary>The naming and size rules every protocol shares.</summary>
public static class Rules
{
    public const int MaxNameLength = 256;
    public const int MaxMetadataEntries = 64;
    public const int MaxMetadataKeyLength = 128;
    public const int MaxMetadataValueLength = 1024;
    public const int MaxMetadataBytes = 16 * 1024;
    public const double MaxWeight = 10_000;

    private static readonly SearchValues<char> NameChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._:");

    private static readonly SearchValues<char> HostChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.");

    /// <summary>Checks a namespace, group, service, cluster or data id: letters, digits and <c>-._:</c>, 1..256 chars.</summary>
    public static void Name(ValidationErrors errors, string field, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            errors.Add(field, $"'{field}' is required.");
        }
        else if (value.Length > MaxNameLength)
        {
            errors.Add(field, $"'{field}' is {value.Length} characters long; at most {MaxNameLength} are allowed.");
        }
        else if (value.AsSpan().IndexOfAnyExcept(NameChars) is var bad and >= 0)
        {
            errors.Add(field, $"'{field}' contains '{value[bad]}' at position {bad + 1}; use only letters, digits and '-', '.', '_', ':'.");
        }
    }

    public static void Host(ValidationErrors errors, string field, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            errors.Add(field, $"'{field}' is required: the IP address or host name clients connect to.");
            return;
        }

        if (IPAddress.TryParse(value, out _))
        {
            return;
        }

        if (value.Length > 253 || value.AsSpan().ContainsAnyExcept(HostChars) || value.StartsWith('-') || value.StartsWith('.'))
        {
            errors.Add(field, $"'{value}' is neither an IP address nor a host name.");
        }
    }

    public static void Port(ValidationErrors errors, string field, int value)
    {
        if (value is < 1 or > 65535)
        {
            errors.Add(field, $"'{field}' must be between 1 and 65535; got {value}.");
        }
    }

    public static void Weight(ValidationErrors errors, string field, double? value)
    {
        if (value is { } w && (double.IsNaN(w) || w < 0 || w > MaxWeight))
        {
            errors.Add(field, $"'{field}' must be between 0 and {MaxWeight} (0 drains the instance); got {w}.");
        }
    }

    public static void Metadata(ValidationErrors errors, string field, IReadOnlyDictionary<string, string>? metadata)
    {
        if (metadata is null)
        {
            return;
        }

        if (metadata.Count > MaxMetadataEntries)
        {
            errors.Add(field, $"'{field}' has {metadata.Count} entries; at most {MaxMetadataEntries} are allowed.");
            return;
        }

        var bytes = 0;
        foreach (var (key, value) in metadata)
        {
            if (string.IsNullOrEmpty(key) || key.Length > MaxMetadataKeyLength)
            {
                errors.Add(field, $"metadata keys must be 1..{MaxMetadataKeyLength} characters; '{Shorten(key)}' is not.");
            }

            if (value is null)
            {
                errors.Add(field, $"metadata '{Shorten(key)}' has no value; use an empty string instead of null.");
            }
            else if (value.Length > MaxMetadataValueLength)
            {
                errors.Add(field, $"metadata '{Shorten(key)}' is {value.Length} characters long; at most {MaxMetadataValueLength} are allowed.");
            }

            bytes += (key?.Length ?? 0) + (value?.Length ?? 0);
        }

        if (bytes > MaxMetadataBytes)
        {
            errors.Add(field, $"'{field}' holds {bytes} characters in all; at most {MaxMetadataBytes} are allowed.");
        }
    }

    public static void ProtectThreshold(ValidationErrors errors, string field, double value)
    {
        if (double.IsNaN(value) || value < 0 || value > 1)
        {
            errors.Add(field, $"'{field}' must be between 0 and 1; got {value}.");
        }
    }

    private static string Shorten(string? s) => s is null ? "" : s.Length <= 32 ? s : s[..32] + "...";
}
