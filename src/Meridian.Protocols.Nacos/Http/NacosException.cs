namespace Meridian.Protocols.Nacos.Http;

/// <summary>
/// A refusal in Nacos' own words: the status and the plain-text body a Nacos server would send, which is what its
/// clients log and, for some codes, act on (404 means "no such config", 409 "retry").
/// </summary>
internal sealed class NacosException(int status, string body) : Exception(body)
{
    public int Status { get; } = status;

    public static NacosException MissingParameter(string name) => new(StatusCodes.Status400BadRequest, $"Param '{name}' is required.");

    public static NacosException BadParameter(string name, string value, string expected) =>
        new(StatusCodes.Status400BadRequest, $"Param '{name}' is '{value}'; {expected}");
}
