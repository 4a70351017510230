using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Meridian.Cli.Terminal;

namespace Meridian.Cli.Connection;

/// <summary>
/// The native HTTP API (<c>/v1</c>), as JSON. Every failure becomes a <see cref="CliException"/> carrying the server's
/// own explanation (its RFC 9457 problem) and the exit code for its status.
/// </summary>
internal sealed class MeridianApi(HttpClient http) : IDisposable
{
    public Uri Server => http.BaseAddress!;

    public static async Task<MeridianApi> ConnectAsync(Target target, CancellationToken cancellationToken)
    {
        var http = new HttpClient { BaseAddress = target.Server, Timeout = TimeSpan.FromSeconds(100) };
        http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("meridian-cli", typeof(MeridianApi).Assembly.GetName().Version?.ToString(3)));
        var api = new MeridianApi(http);
        try
        {
            var token = target.Token;
            if (token is null && target.Username is not null)
            {
                token = (await api.LoginAsync(target.Username, target.Password ?? "", cancellationToken)).AccessToken;
            }

            if (token is not null)
            {
                http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }

            return api;
        }
        catch
        {
            api.Dispose();
            throw;
        }
    }

    public async Task<(string AccessToken, long ExpiresIn)> LoginAsync(string username, string password, CancellationToken cancellationToken)
    {
        var answer = await SendAsync(HttpMethod.Post, "v1/auth/token", new JsonObject { ["username"] = username, ["password"] = password }, cancellationToken);
        return (answer!["accessToken"]!.GetValue<string>(), answer["expiresIn"]!.GetValue<long>());
    }

    public Task<JsonNode?> GetAsync(string path, CancellationToken cancellationToken) => SendAsync(HttpMethod.Get, path, null, cancellationToken);

    /// <summary>Null when the server answers 404.</summary>
    public async Task<JsonNode?> FindAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return await GetAsync(path, cancellationToken);
        }
        catch (CliException e) when (e.ExitCode == ExitCodes.NotFound)
        {
            return null;
        }
    }

    /// <summary>The body as text, exactly as stored (a config's raw content).</summary>
    public async Task<string> GetTextAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await ExchangeAsync(new HttpRequestMessage(HttpMethod.Get, path), cancellationToken);
        return await response.Content.ReadAsStringAsync(cancellationToken);
    }

    public async Task<JsonNode?> SendAsync(HttpMethod method, string path, JsonNode? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        using var response = await ExchangeAsync(request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NoContent)
        {
            return null;
        }

        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            return text.Length == 0 ? null : JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            throw new CliException(ExitCodes.ServerError, $"{Server} answered {method} /{path} with something other than JSON; is it a Meridian server?");
        }
    }

    /// <summary>Path segments are escaped here, so names never change the route.</summary>
    public static string Path(params string[] segments) => string.Join('/', segments.Select(Uri.EscapeDataString));

    private async Task<HttpResponseMessage> ExchangeAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new CliException(ExitCodes.Unreachable,
                $"Cannot reach the Meridian server at {Server} ({e.Message}). Start one with 'meridian server', or point --server or MERIDIAN_SERVER at it.");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CliException(ExitCodes.Unreachable, $"The Meridian server at {Server} did not answer within {http.Timeout.TotalSeconds:0} s.");
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            throw await FailureAsync(request, response, cancellationToken);
        }
    }

    private static async Task<CliException> FailureAsync(HttpRequestMessage request, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var reason = await ReasonAsync(response, cancellationToken);
        var code = status switch
        {
            400 or 413 or 415 or 422 => ExitCodes.Usage,
            401 or 403 => ExitCodes.Auth,
            404 => ExitCodes.NotFound,
            409 or 412 => ExitCodes.Conflict,
            502 or 503 or 504 => ExitCodes.Unreachable,
            _ => ExitCodes.ServerError,
        };
        if (status == 401)
        {
            reason += " Log in with 'meridian login', or give --token, MERIDIAN_TOKEN or MERIDIAN_USERNAME and MERIDIAN_PASSWORD.";
        }
        else if (status == 404 && reason.StartsWith("No endpoint answers", StringComparison.Ordinal))
        {
            reason = $"{request.RequestUri} is not a Meridian API endpoint here ({reason}); is the server a Meridian server of this version?";
        }

        return new CliException(code, reason);
    }

    /// <summary>The problem's detail (with each field's message for a validation problem), else the status line.</summary>
    private static async Task<string> ReasonAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var fallback = $"The server answered {(int)response.StatusCode} {response.ReasonPhrase}.";
        try
        {
            var problem = await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken);
            if (problem is null)
            {
                return fallback;
            }

            var detail = problem["detail"]?.GetValue<string>() ?? problem["title"]?.GetValue<string>() ?? fallback;
            if (problem["errors"] is JsonObject errors && errors.Count > 0 && detail == problem["title"]?.GetValue<string>())
            {
                detail += " " + string.Join(" ", errors.SelectMany(e => e.Value?.AsArray().Select(m => m?.GetValue<string>()) ?? []));
            }

            return detail;
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException)
        {
            return fallback;
        }
    }

    public void Dispose() => http.Dispose();
}
