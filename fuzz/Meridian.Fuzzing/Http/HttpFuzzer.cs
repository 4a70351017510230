using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Meridian.Fuzzing.Http;

/// <summary>How to fuzz a running server.</summary>
public sealed record HttpFuzzOptions
{
    /// <summary>The server's HTTP API (native, Nacos, Eureka, health).</summary>
    public required Uri Server { get; init; }

    /// <summary>The client-connection (gRPC, HTTP/2) port; null leaves the gRPC family out.</summary>
    public Uri? Grpc { get; init; }

    /// <summary>An administrator's bearer token: authenticated requests reach the handlers, not just the authorization check.</summary>
    public required string Token { get; init; }

    public int Seed { get; init; } = 1;
    public int Count { get; init; } = 10_000;
    public int Concurrency { get; init; } = 4;

    /// <summary>Replays just this request index of the seed (to reproduce a finding).</summary>
    public int? Only { get; init; }

    /// <summary>An answer later than this is a finding (the server hung on the request).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a long poll or a bare-socket request is waited for before it counts as held.</summary>
    public TimeSpan HoldTimeout { get; init; } = TimeSpan.FromSeconds(3);
}

/// <summary>
/// Sends malformed requests to every endpoint of a running Meridian server and reports every 5xx, every request the
/// server hung on, and whether it stopped answering or is not ready at the end. Request <c>i</c> of seed <c>s</c> is
/// generated from <c>new Random(s * 1_000_003 + i)</c> alone, so any finding replays on its own with <c>--only i</c>.
/// </summary>
public sealed class HttpFuzzer : IDisposable
{
    private readonly HttpFuzzOptions _options;
    private readonly TextWriter _log;
    private readonly HttpClient _http;
    private readonly HttpClient _http2;
    private readonly HttpClient _probe;

    public HttpFuzzer(HttpFuzzOptions options, TextWriter log)
    {
        _options = options;
        _log = log;
        _http = new HttpClient(Handler(options.Concurrency)) { BaseAddress = options.Server, Timeout = Timeout.InfiniteTimeSpan };
        _http2 = new HttpClient(Handler(options.Concurrency))
        {
            BaseAddress = options.Grpc ?? options.Server,
            Timeout = Timeout.InfiniteTimeSpan,
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        _probe = new HttpClient { BaseAddress = options.Server, Timeout = TimeSpan.FromSeconds(10) };
    }

    public static async Task<HttpFuzzReport> RunAsync(HttpFuzzOptions options, TextWriter log, CancellationToken cancellationToken)
    {
        using var fuzzer = new HttpFuzzer(options, log);
        return await fuzzer.RunAsync(cancellationToken);
    }

    public async Task<HttpFuzzReport> RunAsync(CancellationToken cancellationToken)
    {
        var endpoints = await CatalogAsync(cancellationToken);
        var report = new HttpFuzzReport
        {
            Seed = _options.Seed,
            Count = _options.Only is null ? _options.Count : 1,
            EndpointsByFamily = endpoints.GroupBy(e => e.Family).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal),
        };
        await CreateFixturesAsync(endpoints, cancellationToken);

        var cumulative = new double[endpoints.Count];
        var total = 0.0;
        for (var i = 0; i < endpoints.Count; i++)
        {
            total += endpoints[i].Weight;
            cumulative[i] = total;
        }

        var clock = Stopwatch.StartNew();
        var next = _options.Only is { } only ? only - 1 : -1;
        var last = _options.Only ?? _options.Count - 1;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var workers = Enumerable.Range(0, Math.Max(1, _options.Concurrency)).Select(_ => Task.Run(async () =>
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) <= last && !stop.IsCancellationRequested)
            {
                var random = new Random(unchecked((_options.Seed * 1_000_003) + index));
                var pick = Array.BinarySearch(cumulative, random.NextDouble() * total);
                var endpoint = endpoints[Math.Min(pick < 0 ? ~pick : pick, endpoints.Count - 1)];
                var request = Mutator.Generate(endpoint, index, random);
                if (!await SendAsync(request, report, stop.Token) && !stop.IsCancellationRequested)
                {
                    // The server stopped answering: nothing after this tells us anything.
                    await stop.CancelAsync();
                }
            }
        }, CancellationToken.None)).ToList();
        await Task.WhenAll(workers);
        report.Elapsed = clock.Elapsed;
        cancellationToken.ThrowIfCancellationRequested();

        (report.ReadyAfterwards, report.ReadyDetail) = await ReadyAsync(cancellationToken);
        return report;
    }

    /// <summary>The endpoints, from the server's OpenAPI document (read as the administrator) and the built-in lists.</summary>
    private async Task<IReadOnlyList<FuzzEndpoint>> CatalogAsync(CancellationToken cancellationToken)
    {
        using var request = Authorized(HttpMethod.Get, "/openapi/v1.json");
        using var response = await _http.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"GET /openapi/v1.json answered {(int)response.StatusCode}: {body}");
        }

        using var document = JsonDocument.Parse(body);
        return EndpointCatalog.All(document, _options.Grpc is not null);
    }

    /// <summary>
    /// Creates what the valid values name (a config with two versions, a native and a Nacos instance, a Eureka
    /// instance), by sending those endpoints' unmutated requests; each must succeed.
    /// </summary>
    private async Task CreateFixturesAsync(IReadOnlyList<FuzzEndpoint> endpoints, CancellationToken cancellationToken)
    {
        (string Method, string Path, string? Content)[] fixtures =
        [
            ("PUT", "/v1/namespaces/{ns}/groups/{group}/configs/{dataId}", "a=b"),
            ("PUT", "/v1/namespaces/{ns}/groups/{group}/configs/{dataId}", "a=c"),
            ("POST", "/v1/namespaces/{ns}/groups/{group}/services/{service}/instances", null),
            ("POST", "/nacos/v1/ns/instance", null),
            ("POST", "/nacos/v1/cs/configs", null),
            ("POST", "/eureka/apps/{app}", null),
        ];
        foreach (var (method, path, content) in fixtures)
        {
            var endpoint = endpoints.FirstOrDefault(e => e.Method == method && e.Path == path)
                ?? throw new InvalidOperationException($"No endpoint {method} {path} to create a fixture with; has the API changed?");
            var draft = new RequestDraft(endpoint, new Random(0));
            if (content is not null && draft.Json is JsonObject json)
            {
                json["content"] = content;
            }

            var request = draft.Build(-1);
            using var message = Message(request);
            using var response = await _http.SendAsync(message, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"Creating a fixture failed: {(int)response.StatusCode} {body}\n{request.Describe()}");
            }
        }
    }

    /// <summary>Sends one request and records what came of it; false when the server no longer answers at all.</summary>
    private async Task<bool> SendAsync(FuzzRequest request, HttpFuzzReport report, CancellationToken cancellationToken)
    {
        if (request.RawWire is not null)
        {
            return await SendRawAsync(request, report, cancellationToken);
        }

        if (!Uri.TryCreate(Origin(request) + request.Target, UriKind.Absolute, out var uri))
        {
            // A target HttpClient will not send: the bare socket sends it as it is.
            return await SendRawAsync(new FuzzRequest
            {
                Index = request.Index, Family = request.Family, Endpoint = request.Endpoint, Method = request.Method, Target = request.Target,
                Headers = request.Headers, Auth = request.Auth, Classes = request.Classes, Notes = request.Notes, RawWire = Wire(request),
            }, report, cancellationToken);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(request.LongPoll ? _options.HoldTimeout : _options.RequestTimeout);
        try
        {
            using var message = Message(request, uri);
            var client = request.Http2 ? _http2 : _http;
            using var response = await client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var status = (int)response.StatusCode;
            if (status >= 500)
            {
                report.Found(new HttpFuzzFinding("server error", status, request, await ReadSomeAsync(response, timeout.Token)));
            }
            else
            {
                await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
                await body.CopyToAsync(Stream.Null, timeout.Token);
                report.Answered(request, status);
            }

            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            if (request.LongPoll)
            {
                report.StillHeld(request);
                return true;
            }

            report.Found(new HttpFuzzFinding("no answer", null, request, $"nothing within {_options.RequestTimeout.TotalSeconds} s"));
            return await AliveAsync(report, request, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            // Kestrel may close a connection over a request it will not read; the server must still be there.
            report.ClosedWithoutAnswer(request);
            _ = e;
            return await AliveAsync(report, request, cancellationToken);
        }
    }

    private async Task<bool> SendRawAsync(FuzzRequest request, HttpFuzzReport report, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.HoldTimeout);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(_options.Server.Host, _options.Server.Port, timeout.Token);
            var wire = request.RawWire!;
            var firstLine = wire.AsSpan().IndexOf("\r\n"u8);
            var auth = request.Auth == AuthMode.Admin ? Encoding.ASCII.GetBytes($"Authorization: Bearer {_options.Token}\r\n") : [];
            byte[] bytes = firstLine < 0 ? wire : [.. wire.AsSpan(0, firstLine + 2), .. auth, .. wire.AsSpan(firstLine + 2)];
            await socket.SendAsync(bytes, SocketFlags.None, timeout.Token);
            socket.Shutdown(SocketShutdown.Send);

            var buffer = new byte[4096];
            var received = 0;
            int read;
            while (received < buffer.Length && (read = await socket.ReceiveAsync(buffer.AsMemory(received), SocketFlags.None, timeout.Token)) > 0)
            {
                received += read;
                if (buffer.AsSpan(0, received).IndexOf("\r\n"u8) >= 0)
                {
                    break;
                }
            }

            var text = Encoding.Latin1.GetString(buffer, 0, received);
            if (text.Length >= 12 && text.StartsWith("HTTP/1.", StringComparison.Ordinal) && int.TryParse(text.AsSpan(9, 3), out var status))
            {
                if (status >= 500 && status != request.ExpectedServerError)
                {
                    report.Found(new HttpFuzzFinding("server error", status, request, text));
                }
                else
                {
                    report.Answered(request, status);
                }
            }
            else
            {
                report.ClosedWithoutAnswer(request);
            }

            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            report.StillHeld(request);
            return true;
        }
        catch (SocketException)
        {
            report.ClosedWithoutAnswer(request);
            return await AliveAsync(report, request, cancellationToken);
        }
    }

    /// <summary>After a dropped or unanswered request: is the server still there? If not, that request is the finding.</summary>
    private async Task<bool> AliveAsync(HttpFuzzReport report, FuzzRequest after, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _probe.GetAsync("/health/live", cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return true;
            }

            report.Found(new HttpFuzzFinding("server down", (int)response.StatusCode, after, "/health/live did not answer 200 after this request"));
            return false;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            report.Found(new HttpFuzzFinding("server down", null, after, $"/health/live failed after this request: {e.Message}"));
            return false;
        }
    }

    private async Task<(bool Ready, string Detail)> ReadyAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _probe.GetAsync("/health/ready", cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            return (response.StatusCode == HttpStatusCode.OK, $"/health/ready {(int)response.StatusCode} {body}");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return (false, $"/health/ready failed: {e.Message}");
        }
    }

    /// <summary>The request as HTTP/1.1 bytes, for the bare socket.</summary>
    private static byte[] Wire(FuzzRequest request)
    {
        var head = new StringBuilder($"{request.Method} {request.Target} HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        foreach (var (name, value) in request.Headers)
        {
            head.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        var body = request.Body ?? [];
        head.Append("Content-Type: ").Append(request.ContentType ?? "application/octet-stream").Append("\r\nContent-Length: ").Append(body.Length).Append("\r\n\r\n");
        return [.. Encoding.UTF8.GetBytes(head.ToString()), .. body];
    }

    private string Origin(FuzzRequest request) => (request.Http2 ? _http2.BaseAddress! : _options.Server).GetLeftPart(UriPartial.Authority);

    private HttpRequestMessage Message(FuzzRequest request, Uri? uri = null)
    {
        var message = new HttpRequestMessage(new HttpMethod(request.Method), uri ?? new Uri(Origin(request) + request.Target));
        switch (request.Auth)
        {
            case AuthMode.Admin:
                message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _options.Token);
                break;
            case AuthMode.TamperedAdmin:
                var token = _options.Token.ToCharArray();
                var at = request.Index % token.Length;
                token[at] = token[at] == 'A' ? 'B' : 'A';
                message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", new string(token));
                break;
            case AuthMode.Garbage:
                message.Headers.TryAddWithoutValidation("Authorization", request.GarbageAuthorization);
                break;
        }

        if (request.Http2)
        {
            message.Headers.TryAddWithoutValidation("TE", "trailers");
        }

        var content = request.Body is null ? null : new ByteArrayContent(request.Body);
        foreach (var (name, value) in request.Headers)
        {
            if (!message.Headers.TryAddWithoutValidation(name, value) && content is not null)
            {
                content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        if (content is not null)
        {
            content.Headers.Remove("Content-Type");
            if (request.ContentType is not null)
            {
                content.Headers.TryAddWithoutValidation("Content-Type", request.ContentType);
            }

            message.Content = content;
        }

        return message;
    }

    private HttpRequestMessage Authorized(HttpMethod method, string path) =>
        new(method, path) { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", _options.Token) } };

    private static async Task<string> ReadSomeAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            return Encoding.UTF8.GetString(bytes, 0, Math.Min(bytes.Length, 4096));
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException)
        {
            return $"(the body could not be read: {e.Message})";
        }
    }

    private static SocketsHttpHandler Handler(int connections) => new()
    {
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        MaxConnectionsPerServer = Math.Max(1, connections) * 2,
        UseCookies = false,
        // Header values beyond ASCII go out as UTF-8 bytes, as a careless client sends them.
        RequestHeaderEncodingSelector = (_, _) => Encoding.UTF8,
    };

    public void Dispose()
    {
        _http.Dispose();
        _http2.Dispose();
        _probe.Dispose();
    }
}
