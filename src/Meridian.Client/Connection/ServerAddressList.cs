namespace Meridian.Client.Connection;

/// <summary>
/// The configured servers, tried in turn from a random one (so the clients of a cluster spread over its nodes): after a
/// failed attempt, or a server gone silent, the client moves on to the next.
/// </summary>
internal sealed class ServerAddressList
{
    private readonly Uri[] _servers;
    private int _index;

    public ServerAddressList(IEnumerable<string> addresses)
    {
        _servers = [.. addresses.Select(a => TryParse(a, out var uri) ? uri : null).OfType<Uri>()];
        _index = _servers.Length > 1 ? Random.Shared.Next(_servers.Length) : 0;
    }

    public int Count => _servers.Length;

    public Uri Current => _servers[Volatile.Read(ref _index) % _servers.Length];

    public void Advance() => Interlocked.Increment(ref _index);

    /// <summary>True when the address names a server: <c>host:port</c> or <c>http(s)://host:port</c>.</summary>
    public static bool TryParse(string? address, out Uri uri)
    {
        uri = null!;
        if (string.IsNullOrWhiteSpace(address))
        {
            return false;
        }

        var text = address.Contains("://", StringComparison.Ordinal) ? address.Trim() : "http://" + address.Trim();
        if (!Uri.TryCreate(text, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("http" or "https") ||
            string.IsNullOrEmpty(parsed.Host) || parsed.AbsolutePath != "/" || !string.IsNullOrEmpty(parsed.Query))
        {
            return false;
        }

        uri = parsed;
        return true;
    }
}
