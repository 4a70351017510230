using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Meridian.Client.Configuration;

/// <summary>
/// Talks to the Meridian servers' native config API, moving to the next server in the list when one fails.
/// Its calls never go through service discovery.
/// </summary>
internal sealed class MeridianConfigHttp(
    IReadOnlyList<Uri> servers, string clientId, string? accessKey = null, System.Net.Security.SslClientAuthenticationOptions? trust = null) : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly HttpClient _http = CreateClient(accessKey, trust);
    private int _current;

    private static HttpClient CreateClient(string? accessKey, System.Net.Security.SslClientAuthenticationOptions? trust)
    {
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        if (trust is not null)
        {
            handler.SslOptions = trust;
        }

        var http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        if (!string.IsNullOrEmpty(accessKey))
        {
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", accessKey);
        }

        return http;
    }

    public Uri CurrentServer => servers[Volatile.Read(ref _current) % servers.Count];

    public string ServerList => string.Join(", ", servers);

    /// <summary>The config's content, or null when it does not exist. Throws <see cref="HttpRequestException"/> when no server answers.</summary>
    public Task<RemoteConfig?> GetAsync(ConfigSource source, CancellationToken cancellationToken) =>
        WithFailoverAsync(async (server, ct) =>
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            var uri = new Uri(server, $"v1/namespaces/{Uri.EscapeDataString(source.Namespace)}/groups/{Uri.EscapeDataString(source.Group)}/configs/{Uri.EscapeDataString(source.DataId)}?format=json");
            using var response = await _http.GetAsync(uri, timeout.Token);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }

            await EnsureSuccessAsync(response, timeout.Token);
            return await response.Content.ReadFromJsonAsync<RemoteConfig>(Json, timeout.Token);
        }, cancellationToken);

    /// <summary>Holds until one of the configs differs from the md5 given, or the timeout passes; returns the changed ones.</summary>
    public Task<IReadOnlyList<ChangedConfig>> ListenAsync(IReadOnlyList<ConfigSource> sources, TimeSpan hold, CancellationToken cancellationToken) =>
        WithFailoverAsync<IReadOnlyList<ChangedConfig>>(async (server, ct) =>
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(hold + TimeSpan.FromSeconds(15));
            var request = new
            {
                timeoutMs = (long)hold.TotalMilliseconds,
                clientId,
                keys = sources.Select(s => new { @namespace = s.Namespace, group = s.Group, dataId = s.DataId, md5 = s.Md5 }),
            };
            using var response = await _http.PostAsJsonAsync(new Uri(server, "v1/configs/listener"), request, Json, timeout.Token);
            await EnsureSuccessAsync(response, timeout.Token);
            var body = await response.Content.ReadFromJsonAsync<ListenResponse>(Json, timeout.Token);
            return body?.Changed ?? [];
        }, cancellationToken);

    public void Dispose() => _http.Dispose();

    private async Task<T> WithFailoverAsync<T>(Func<Uri, CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        List<string>? failures = null;
        for (var attempt = 0; attempt < servers.Count; attempt++)
        {
            var index = Volatile.Read(ref _current);
            var server = servers[index % servers.Count];
            try
            {
                return await call(server, cancellationToken);
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                (failures ??= []).Add($"{server}: {Explain(e)}");
                Interlocked.CompareExchange(ref _current, index + 1, index);
            }
        }

        throw new HttpRequestException($"No Meridian server answered ({string.Join("; ", failures!)}).");
    }

    private static string Explain(Exception e) =>
        ServerCertificateTrust.RejectionIn(e) is { } rejected
            ? $"its TLS certificate is not trusted ({rejected.Message}); set Meridian:Tls:CaCertificatePath (or Meridian:Config:Tls:CaCertificatePath) to the CA that issued it"
            : e.Message;

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new HttpRequestException($"{(int)response.StatusCode} {response.ReasonPhrase}: {body}", null, response.StatusCode);
        }
    }

    private sealed record ListenResponse(List<ChangedConfig> Changed);
}

internal sealed record RemoteConfig(string Content, string Md5, string Type, long Version);

internal sealed record ChangedConfig(string Namespace, string Group, string DataId, string Md5);
