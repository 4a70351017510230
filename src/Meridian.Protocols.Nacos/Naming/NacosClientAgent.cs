namespace Meridian.Protocols.Nacos.Naming;

/// <summary>
/// Who is calling, from <c>User-Agent</c> (else <c>Client-Version</c>). Nacos 1.x writes grouped service names in
/// lists only for Java clients from 1.0.0 on (the npm client claims to be one); older callers get bare names.
/// </summary>
internal static class NacosClientAgent
{
    private const string JavaClientPrefix = "Nacos-Java-Client:v";

    public static bool WantsGroupedNames(HttpRequest request) => IsJavaClientV1OrLater(request);

    public static bool IsJavaClientV1OrLater(HttpRequest request)
    {
        var agent = request.Headers.UserAgent.ToString();
        if (string.IsNullOrEmpty(agent))
        {
            agent = request.Headers["Client-Version"].ToString();
        }

        if (!agent.StartsWith(JavaClientPrefix, StringComparison.Ordinal))
        {
            return false;
        }

        var version = agent.AsSpan(JavaClientPrefix.Length);
        var dot = version.IndexOf('.');
        var major = dot < 0 ? version : version[..dot];
        return int.TryParse(major, out var number) && number >= 1;
    }
}
