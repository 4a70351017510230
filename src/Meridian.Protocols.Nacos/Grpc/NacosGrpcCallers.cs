using System.Net;
using Meridian.Auth;
using Meridian.Validation;
using Microsoft.Extensions.Options;

namespace Meridian.Protocols.Nacos.Grpc;

/// <summary>
/// Who sent a Nacos gRPC request. Nacos 2.x clients log in over HTTP (<c>/nacos/v1/auth/login</c>, or
/// <c>/nacos/v3/auth/user/login</c> for 3.x) and put the <c>accessToken</c> in the headers of each naming and config
/// request; the token is checked as on every other door. Without one, only Dev mode on loopback admits the caller.
/// </summary>
internal sealed class NacosGrpcCallers(Credentials credentials, IOptions<AuthOptions> auth)
{
    public const string AccessTokenHeader = "accessToken";
    private static readonly Caller Anonymous = new("anonymous", CallerKind.Anonymous, isAdmin: true, []);

    /// <exception cref="UnauthenticatedException">No token, or one that is not valid.</exception>
    public async ValueTask<Caller> IdentifyAsync(IReadOnlyDictionary<string, string> headers, IPAddress? remote, IPAddress? local)
    {
        var address = remote is null ? "" : (remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote).ToString();
        if (headers.TryGetValue(AccessTokenHeader, out var token) && !string.IsNullOrWhiteSpace(token))
        {
            return await credentials.AuthenticateBearerAsync(token.Trim(), address)
                ?? throw new UnauthenticatedException("The accessToken is not valid (expired, revoked, or from another server); log in again.");
        }

        if (auth.Value.Mode == AuthMode.Dev && remote is not null && local is not null && IPAddress.IsLoopback(remote) && IPAddress.IsLoopback(local))
        {
            return Anonymous.From(address);
        }

        throw new UnauthenticatedException(
            "No accessToken in the request headers; give the client a username and password (it logs in over HTTP at /nacos/v1/auth/login) or an access key as accessToken.");
    }
}
