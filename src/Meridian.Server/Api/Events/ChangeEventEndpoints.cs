using System.Security.Claims;
using System.Text.Json;
using System.Threading.Channels;
using Meridian.Auth;
using Meridian.Config;
using Meridian.Naming;
using Meridian.Validation;
using Microsoft.Extensions.Options;

namespace Meridian.Server.Api.Events;

/// <summary>A service changed: its counts now, at this revision.</summary>
public sealed record ServiceEvent(string Namespace, string Group, string Name, string Kind, int InstanceCount, int HealthyInstanceCount, long Revision);

/// <summary>A config was published, rolled back or deleted (<see cref="Md5"/> is "" then).</summary>
public sealed record ConfigEvent(string Namespace, string Group, string DataId, string Kind, string Md5, long Version, long Revision);

/// <summary>
/// The change stream as server-sent events, for the web console's live views: every service and config change the
/// caller may read, as it is applied. Each open stream is one handler on the projections' streams that queues the
/// shared change objects (no copies) and filters on the reading side; a stream that falls more than
/// <see cref="Buffer"/> changes behind is told to reload (<c>event: resync</c>) instead of being held in memory.
/// </summary>
internal static class ChangeEventEndpoints
{
    private const int Buffer = 1024;
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    public static void MapChangeEventEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/events", Stream)
            .WithTags("Events")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream")
            .WithSummary("Streams changes as server-sent events: 'service' and 'config' events (JSON data) for what the caller may read, " +
                         "optionally of one 'namespace'; 'resync' when the stream fell behind (reload, then go on). A comment every 15 s keeps proxies from closing it.");
    }

    private static async Task Stream(string? @namespace, HttpContext http, ClaimsPrincipal user, RegistryProjection registry, ConfigProjection configs,
        AuthDirectory directory, IOptions<AuthOptions> auth, TimeProvider time, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, CancellationToken ct)
    {
        if (@namespace is not null)
        {
            var errors = new ValidationErrors();
            Rules.Name(errors, "namespace", @namespace);
            errors.ThrowIfAny();
        }

        var caller = Caller.Of(user);
        var queue = Channel.CreateBounded<object>(new BoundedChannelOptions(Buffer) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });
        var overflowed = 0;
        void Enqueue(object change)
        {
            if (!queue.Writer.TryWrite(change))
            {
                Interlocked.Exchange(ref overflowed, 1);
            }
        }

        using var services = registry.Changes.Subscribe(Enqueue);
        using var configChanges = configs.Changes.Subscribe(Enqueue);

        // A console stream ends with its session (idle or lapsed); the page then learns it must log in again.
        var deadline = http.Items[typeof(BrowserSession)] is BrowserSession session ? session.Deadline(auth.Value) : (DateTimeOffset?)null;
        using var ending = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (deadline is { } until)
        {
            ending.CancelAfter(until - time.GetUtcNow() is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero);
        }

        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache, no-transform";
        http.Response.Headers["X-Accel-Buffering"] = "no";
        await http.Response.WriteAsync(": connected\nretry: 2000\n\n", ending.Token);
        await http.Response.Body.FlushAsync(ending.Token);

        var options = json.Value.SerializerOptions;
        try
        {
            while (!ending.IsCancellationRequested)
            {
                using var beat = CancellationTokenSource.CreateLinkedTokenSource(ending.Token);
                beat.CancelAfter(KeepAlive);
                bool ready;
                try
                {
                    ready = await queue.Reader.WaitToReadAsync(beat.Token);
                }
                catch (OperationCanceledException) when (!ending.IsCancellationRequested)
                {
                    await http.Response.WriteAsync(": keep-alive\n\n", ending.Token);
                    await http.Response.Body.FlushAsync(ending.Token);
                    continue;
                }

                if (!ready)
                {
                    break;
                }

                if (directory.Current(caller) is not { } current)
                {
                    break;
                }

                caller = current;
                if (Interlocked.Exchange(ref overflowed, 0) == 1)
                {
                    while (queue.Reader.TryRead(out _))
                    {
                    }

                    await http.Response.WriteAsync("event: resync\ndata: {}\n\n", ending.Token);
                    await http.Response.Body.FlushAsync(ending.Token);
                    continue;
                }

                while (queue.Reader.TryRead(out var change))
                {
                    var (name, data) = Describe(change, caller, @namespace);
                    if (name is null)
                    {
                        continue;
                    }

                    await http.Response.WriteAsync($"event: {name}\ndata: {JsonSerializer.Serialize(data, options)}\n\n", ending.Token);
                }

                await http.Response.Body.FlushAsync(ending.Token);
            }
        }
        catch (OperationCanceledException) when (ending.IsCancellationRequested)
        {
            // The client went away or the session ended.
        }
    }

    private static (string? Name, object? Data) Describe(object change, Caller caller, string? ns) => change switch
    {
        ServiceChange s when (ns is null || s.Key.Namespace == ns) && caller.MayRead(s.Key) => ("service", new ServiceEvent(
            s.Key.Namespace, s.Key.Group, s.Key.Name, s.Kind == ServiceChangeKind.Removed ? "removed" : "updated", s.Snapshot.Count, s.Snapshot.HealthyCount,
            s.Revision)),
        ConfigChange c when (ns is null || c.Key.Namespace == ns) && caller.MayRead(c.Key) => ("config", new ConfigEvent(
            c.Key.Namespace, c.Key.Group, c.Key.DataId, c.Kind == ConfigChangeKind.Deleted ? "deleted" : "published", c.Md5, c.Item.Version, c.Item.Revision)),
        _ => (null, null),
    };
}
