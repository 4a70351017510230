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
            else if (Unwritable(value) is var at and >= 0)
            {
                errors.Add(field, $"metadata '{Shorten(key)}' holds U+{(int)value[at]:X4} at position {at + 1}, which not every protocol can carry (Eureka's XML cannot); " +
                    "leave out control characters other than tab and line breaks, U+FFFE, U+FFFF and unpaired surrogates.");
            }

            if (key is not null && Unwritable(key) is var keyAt and >= 0)
            {
                errors.Add(field, $"metadata key '{Shorten(key)}' holds U+{(int)key[keyAt]:X4} at position {keyAt + 1}; leave out control characters, U+FFFE, U+FFFF and unpaired surrogates.");
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

    /// <summary>
    /// Where the text holds a character XML 1.0 cannot carry (a control character other than tab, LF and CR; U+FFFE;
    /// U+FFFF; an unpaired surrogate), or -1. Metadata goes out in every protocol, Eureka's XML among them.
    /// </summary>
    public static int Unwritable(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (!System.Xml.XmlConvert.IsXmlChar(c))
            {
                return i;
            }
        }

        return -1;
    }

    private static string Shorten(string? s) => s is null ? "" : s.Length <= 32 ? s : s[..32] + "...";
}
