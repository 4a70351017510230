using Google.Protobuf;
using Grpc.Core;
using Meridian.Contracts.V1;

namespace Meridian.Protocols.Native;

/// <summary>
/// A <see cref="ServerMessage"/> serialized once. A push is built once per change and the same frame is written to
/// every subscriber, so fan-out never serializes or copies per subscriber.
/// </summary>
internal sealed class PushFrame(byte[] payload, long revision)
{
    public byte[] Payload { get; } = payload;

    /// <summary>The revision of the service or config it carries; 0 for replies.</summary>
    public long Revision { get; } = revision;

    public static PushFrame Of(ServerMessage message, long revision = 0) => new(message.ToByteArray(), revision);

    public static readonly Marshaller<PushFrame> Marshaller = Marshallers.Create<PushFrame>(
        static (frame, context) => context.Complete(frame.Payload),
        static _ => throw new NotSupportedException("The server never reads its own frames."));

    public static readonly Marshaller<ClientMessage> RequestMarshaller = Marshallers.Create(
        static (ClientMessage message, SerializationContext context) => context.Complete(message.ToByteArray()),
        static context => ClientMessage.Parser.ParseFrom(context.PayloadAsReadOnlySequence()));
}
