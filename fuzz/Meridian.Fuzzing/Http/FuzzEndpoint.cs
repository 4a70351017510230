using System.Text.Json.Nodes;

namespace Meridian.Fuzzing.Http;

/// <summary>Where a parameter goes: a path segment, the query, the form body (Nacos reads query and form alike), or a header.</summary>
internal enum ParameterPlace
{
    Path,
    Query,
    Form,
    Header,
}

internal enum BodyKind
{
    None,
    Json,
    Form,
    EurekaInstance,
    Grpc,
}

/// <summary>One parameter and a value the endpoint accepts, which mutations start from.</summary>
internal sealed record FuzzParameter(string Name, ParameterPlace Place, string Valid, bool Numeric = false);

/// <summary>
/// One endpoint as the fuzzer drives it: method, path template (<c>{name}</c> for path parameters), its parameters
/// with valid values, and the body it takes. <see cref="Weight"/> lowers how often costly endpoints (password hashing)
/// are picked; <see cref="LongPoll"/> marks endpoints that may hold a request, whose client-side timeouts are expected.
/// </summary>
internal sealed record FuzzEndpoint(
    string Family,
    string Method,
    string Path,
    IReadOnlyList<FuzzParameter> Parameters,
    BodyKind Body = BodyKind.None,
    Func<JsonNode>? JsonBody = null,
    double Weight = 1,
    bool LongPoll = false)
{
    public override string ToString() => $"{Method} {Path}";
}
