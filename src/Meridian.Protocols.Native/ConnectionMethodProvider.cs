using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Meridian.Contracts.V1;

namespace Meridian.Protocols.Native;

/// <summary>
/// Binds <c>meridian.v1.Connection/Connect</c> by hand rather than through a generated base class, so responses are
/// written as <see cref="PushFrame"/>s: bytes serialized once, however many subscribers receive them. On the wire it
/// is exactly the contract's <see cref="ServerMessage"/> stream.
/// </summary>
internal sealed class ConnectionMethodProvider : IServiceMethodProvider<ConnectionService>
{
    public static readonly Method<ClientMessage, PushFrame> Connect = new(
        MethodType.DuplexStreaming,
        "meridian.v1.Connection",
        "Connect",
        PushFrame.RequestMarshaller,
        PushFrame.Marshaller);

    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<ConnectionService> context) =>
        context.AddDuplexStreamingMethod(
            Connect,
            [],
            static (service, requests, responses, call) => service.ConnectAsync(requests, responses, call));
}
