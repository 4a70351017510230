using System.Threading.Channels;
using Grpc.Core;
using Meridian.Contracts.V1;

namespace Meridian.Client.Connection;

/// <summary>One established stream. gRPC allows one writer at a time, so every send goes through one queue.</summary>
internal sealed class Session(AsyncDuplexStreamingCall<ClientMessage, ServerMessage> call, CancellationTokenSource closed, long now)
{
    private readonly Channel<ClientMessage> _outbound = Channel.CreateUnbounded<ClientMessage>(new UnboundedChannelOptions { SingleReader = true });
    private long _lastHeard = now;

    public CancellationToken Closed { get; } = closed.Token;

    public long LastHeard => Volatile.Read(ref _lastHeard);

    public void Heard(long timestamp) => Volatile.Write(ref _lastHeard, timestamp);

    public bool TrySend(ClientMessage message) => _outbound.Writer.TryWrite(message);

    public void Complete() => _outbound.Writer.TryComplete();

    public Task CloseAsync() => closed.CancelAsync();

    public async Task WriteLoopAsync()
    {
        try
        {
            await foreach (var message in _outbound.Reader.ReadAllAsync(Closed))
            {
                await call.RequestStream.WriteAsync(message, Closed);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or RpcException or IOException or InvalidOperationException)
        {
            // The stream is gone; the read loop notices and reconnects.
            await closed.CancelAsync();
        }
    }
}
