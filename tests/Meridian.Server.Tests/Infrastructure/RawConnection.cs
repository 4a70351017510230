using System.Threading.Channels;
using Grpc.Core;
using Grpc.Net.Client;
using Meridian.Contracts.V1;

namespace Meridian.Server.Tests.Infrastructure;

/// <summary>A bare client stream over the wire contract, to test the server without the client library.</summary>
public sealed class RawConnection : IAsyncDisposable
{
    private readonly GrpcChannel _channel;
    private readonly AsyncDuplexStreamingCall<ClientMessage, ServerMessage> _call;
    private readonly Channel<ServerMessage> _received = Channel.CreateUnbounded<ServerMessage>();
    private readonly Task _reader;
    private readonly List<ServerMessage> _unmatched = [];
    private ulong _nextRequest;

    private RawConnection(Uri address, string? credential)
    {
        _channel = GrpcChannel.ForAddress(address);
        _call = new Connection.ConnectionClient(_channel).Connect(credential is null ? null : new Metadata { { "authorization", "Bearer " + credential } });
        _reader = Task.Run(ReadAsync);
    }

    /// <summary>Completes when the server ends the stream, with the status it gave.</summary>
    public TaskCompletionSource<Status> Ended { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Opens a stream to the test server as its administrator.</summary>
    public static Task<RawConnection> OpenAsync(TestServer server, string clientId, CancellationToken cancellationToken, bool sayHello = true) =>
        OpenAsync(server.GrpcAddress, clientId, cancellationToken, sayHello, server.Token);

    /// <summary>Opens a stream presenting <paramref name="credential"/> (a token or an access key; null for none).</summary>
    public static async Task<RawConnection> OpenAsync(Uri address, string clientId, CancellationToken cancellationToken, bool sayHello, string? credential)
    {
        var connection = new RawConnection(address, credential);
        if (sayHello)
        {
            await connection.SendAsync(new ClientMessage { Hello = new Hello { ClientId = clientId, ClientName = "raw-test" } });
            await connection.NextAsync(m => m.BodyCase == ServerMessage.BodyOneofCase.Welcome, cancellationToken);
        }

        return connection;
    }

    public Task SendAsync(ClientMessage message) => _call.RequestStream.WriteAsync(message);

    /// <summary>Sends a request and returns its ack.</summary>
    public async Task<Ack> RequestAsync(ClientMessage message, CancellationToken cancellationToken)
    {
        message.RequestId = Interlocked.Increment(ref _nextRequest);
        await SendAsync(message);
        var reply = await NextAsync(m => m.BodyCase == ServerMessage.BodyOneofCase.Ack && m.Ack.RequestId == message.RequestId, cancellationToken);
        return reply.Ack;
    }

    /// <summary>
    /// The next message that matches; others are kept for later calls, since the server may, for instance, send a
    /// subscription's first push before the subscription's ack. Fails if the stream ends first.
    /// </summary>
    public async Task<ServerMessage> NextAsync(Func<ServerMessage, bool> predicate, CancellationToken cancellationToken)
    {
        var kept = _unmatched.FindIndex(m => predicate(m));
        if (kept >= 0)
        {
            var earlier = _unmatched[kept];
            _unmatched.RemoveAt(kept);
            return earlier;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(15));
        while (true)
        {
            var message = await _received.Reader.ReadAsync(timeout.Token);
            if (predicate(message))
            {
                return message;
            }

            _unmatched.Add(message);
        }
    }

    public Task<ServerMessage> NextPushAsync(string service, CancellationToken cancellationToken) =>
        NextAsync(m => m.BodyCase == ServerMessage.BodyOneofCase.ServicePush && m.ServicePush.Service.Service == service, cancellationToken);

    /// <summary>Drops the stream as a crashed client would: no goodbye.</summary>
    public void Abort() => _call.Dispose();

    public async ValueTask DisposeAsync()
    {
        _call.Dispose();
        await _reader;
        _channel.Dispose();
    }

    private async Task ReadAsync()
    {
        try
        {
            await foreach (var message in _call.ResponseStream.ReadAllAsync())
            {
                await _received.Writer.WriteAsync(message);
            }

            Ended.TrySetResult(_call.GetStatus());
        }
        catch (RpcException e)
        {
            Ended.TrySetResult(e.Status);
        }
        catch (ObjectDisposedException)
        {
            Ended.TrySetResult(new Status(StatusCode.Cancelled, "disposed"));
        }
        finally
        {
            _received.Writer.TryComplete();
        }
    }
}
