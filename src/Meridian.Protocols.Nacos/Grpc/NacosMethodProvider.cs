using Google.Protobuf;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Meridian.Protocols.Nacos.Grpc.Wire;
using Meridian.Protocols.Native;

namespace Meridian.Protocols.Nacos.Grpc;

/// <summary>
/// Binds <c>/Request/request</c> and <c>/BiRequestStream/requestBiStream</c> by hand, so the stream writes
/// pre-serialized frames: a push is serialized once, whatever the number of connections that receive it.
/// </summary>
internal sealed class NacosMethodProvider : IServiceMethodProvider<NacosGrpcService>
{
    private static readonly Marshaller<Payload> PayloadMarshaller = Marshallers.Create(
        static (Payload payload, SerializationContext context) => context.Complete(payload.ToByteArray()),
        static context => Payload.Parser.ParseFrom(context.PayloadAsReadOnlySequence()));

    public static readonly Method<Payload, Payload> Request = new(MethodType.Unary, "Request", "request", PayloadMarshaller, PayloadMarshaller);

    public static readonly Method<Payload, PushFrame> BiStream =
        new(MethodType.DuplexStreaming, "BiRequestStream", "requestBiStream", PayloadMarshaller, PushFrame.Marshaller);

    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<NacosGrpcService> context)
    {
        context.AddUnaryMethod(Request, [], static (service, request, call) => service.RequestAsync(request, call));
        context.AddDuplexStreamingMethod(BiStream, [], static (service, requests, responses, call) => service.StreamAsync(requests, responses, call));
    }
}
