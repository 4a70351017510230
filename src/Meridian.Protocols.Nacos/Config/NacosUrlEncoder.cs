using System.Text;

namespace Meridian.Protocols.Nacos.Config;

/// <summary>
/// Java's <c>URLEncoder.encode(s, "UTF-8")</c>: letters, digits and <c>.-*_</c> stay, a space becomes <c>+</c>, every other
/// UTF-8 byte becomes <c>%XX</c>. The listener's answer is encoded this way and clients decode it with the inverse.
/// </summary>
internal static class NacosUrlEncoder
{
    public static string Encode(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var result = new StringBuilder(bytes.Length * 2);
        foreach (var b in bytes)
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '*' or '_')
            {
                result.Append(c);
            }
            else if (c == ' ')
            {
                result.Append('+');
            }
            else
            {
                result.Append('%').Append(Convert.ToHexString([b]));
            }
        }

        return result.ToString();
    }
}
