using System.Text;

namespace Meridian.Fuzzing.Http;

/// <summary>
/// The bad values a broken or hostile client sends. Text values are put on the wire as UTF-8 and percent-encoded where
/// the place needs it; <see cref="Raw"/> values go as they are (already percent-encoded, or raw bytes in a body).
/// </summary>
internal static class NastyValues
{
    /// <summary>Sizes of huge strings: over the usual name limits, over Kestrel's request-line and header limits, and over the 1 MiB body limit.</summary>
    private static readonly int[] HugeSizes = [300, 2_049, 9_000, 70_000, 300_000, 1_100_000];

    private static readonly string[] Unicode =
    [
        "\u00df\u00e9\u4e2d\u6587", "\U0001F600\U0001F4A9", "\u202egnp.exe", "\u200b", "\ufeffbom", "e\u0301\u0301\u0301", "\uffff", "\ufffe",
        "\U0001D518\U0001D52B\U0001D526", "\u0000", "a\u0000b", "\u0001\u0002", "\r\n", "\t", " ", "", "\u3000", "\u0085", "\u2028\u2029",
        "\u0130\u0131", "\u00a0", "\ud83d", // a lone high surrogate: UTF-8 encoding turns it into U+FFFD
    ];

    /// <summary>Percent-encoded bytes that are not UTF-8: overlong NUL, 0xFF, an encoded surrogate, past U+10FFFF, a cut sequence.</summary>
    private static readonly string[] InvalidUtf8Escapes = ["%C0%80", "%FF", "%FE%FF", "%ED%A0%80", "%F4%90%80%80", "%E2%82", "%80", "a%C3", "%F8%88%80%80%80"];

    private static readonly byte[][] InvalidUtf8Bytes = [[0xC0, 0x80], [0xFF], [0xFE, 0xFF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0x80], [0xC3]];

    private static readonly string[] Overflowing =
    [
        "2147483648", "-2147483649", "9223372036854775808", "-9223372036854775809", "99999999999999999999999999999999", "1e400", "-1e400",
        "1.7976931348623157E+309", "NaN", "Infinity", "-Infinity", "0x10", "1_000", "00000000001", " 1", "1 ", "+1", "-0", "1.5", "1e3", "4294967296",
        "18446744073709551616", "-1", "0", "65536", "-2147483648",
    ];

    private static readonly string[] WrongTypes = ["abc", "true", "[]", "{}", "null", "", "1.5", "-", "[1,2]", "{\"a\":1}", "\"quoted\"", "%", "%%", "%zz", "%2", "+"];

    private static readonly string[] Special =
    [
        "../../../etc/passwd", "..", ".", "/", "//", "\\", "@@", "@@@@", "DEFAULT_GROUP@@", "@@svc", "a@@b@@c", "*", "**", "?", "#", "&", "=", ";",
        "'; DROP TABLE configs;--", "${jndi:ldap://127.0.0.1/x}", "<script>alert(1)</script>", "\r\nX-Injected: 1", "%0d%0aX: 1", "CON", "nul",
        "mrd_", "Bearer", "DEFAULT_GROUP", "public", "", " ", "\u0001", "\u0002", "a\u0002b\u0002c\u0002d\u0002e\u0001",
    ];

    public static string Huge(Random random)
    {
        // Mostly past the name and metadata limits; now and then past the request-line, header and body limits.
        var size = HugeSizes[random.Next(4) == 0 ? random.Next(HugeSizes.Length) : random.Next(3)];
        var unit = random.Next(3) switch
        {
            _ when size > 100_000 => "a",
            0 => "a",
            1 => "\u00e9",
            _ => "\U0001F600",
        };
        var text = new StringBuilder(size * unit.Length);
        while (text.Length < size)
        {
            text.Append(unit);
        }

        return text.ToString();
    }

    public static string UnicodeText(Random random) => Pick(random, Unicode) + (random.Next(2) == 0 ? "" : Pick(random, Unicode));

    public static string InvalidUtf8Escape(Random random) => Pick(random, InvalidUtf8Escapes);

    public static byte[] InvalidUtf8(Random random) => Pick(random, InvalidUtf8Bytes);

    public static string Overflow(Random random) => Pick(random, Overflowing);

    public static string WrongType(Random random) => Pick(random, WrongTypes);

    public static string SpecialText(Random random) => Pick(random, Special);

    /// <summary>JSON text nested <paramref name="depth"/> levels deep: arrays, objects, or both.</summary>
    public static string DeepJson(Random random, int depth)
    {
        var text = new StringBuilder(depth * 6);
        var kind = random.Next(3);
        for (var i = 0; i < depth; i++)
        {
            text.Append(kind == 0 || (kind == 2 && i % 2 == 0) ? "[" : "{\"a\":");
        }

        text.Append('1');
        for (var i = depth - 1; i >= 0; i--)
        {
            text.Append(kind == 0 || (kind == 2 && i % 2 == 0) ? "]" : "}");
        }

        return text.ToString();
    }

    public static int Depth(Random random) => random.Next(4) switch
    {
        0 => 65,
        1 => 129,
        2 => 1_000,
        _ => 20_000,
    };

    /// <summary>A JSON token of another type than the field expects.</summary>
    public static string WrongJsonToken(Random random) => random.Next(12) switch
    {
        0 => "null",
        1 => "true",
        2 => "[]",
        3 => "{}",
        4 => "\"text\"",
        5 => "1",
        6 => "-1.5e3",
        7 => "[null,{}]",
        8 => "{\"a\":[1,\"b\"]}",
        9 => "\"\"",
        10 => "false",
        _ => "[\"a\"]",
    };

    /// <summary>JSON text the parser accepts or refuses at the number: too large, too precise, or not a JSON number at all.</summary>
    public static string OverflowJsonToken(Random random) => random.Next(10) switch
    {
        0 => "1e400",
        1 => "-1e400",
        2 => "99999999999999999999999999999999",
        3 => "9223372036854775808",
        4 => "2147483648",
        5 => "-2147483649",
        6 => "0.0000000000000000000000000000000000000001",
        7 => "NaN",
        8 => "Infinity",
        _ => "1." + new string('1', 400),
    };

    /// <summary>JSON string tokens (with their quotes) a JSON writer would never produce.</summary>
    public static string StrangeJsonString(Random random) => random.Next(9) switch
    {
        0 => "\"\\ud800\"",
        1 => "\"\\udc00x\"",
        2 => "\"a\\u0000b\"",
        3 => "\"\\uZZZZ\"",
        4 => "\"\\x41\"",
        5 => "\"unterminated",
        6 => "'single'",
        7 => "\"\\ud83d\\ude00\\ud83d\"",
        _ => "\"tab\there\"",
    };

    public static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];
}
