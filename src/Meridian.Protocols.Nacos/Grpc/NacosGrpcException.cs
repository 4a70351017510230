namespace Meridian.Protocols.Nacos.Grpc;

/// <summary>A refusal with one of Nacos' error codes (NacosException's constants), answered as an ErrorResponse.</summary>
internal sealed class NacosGrpcException(int errorCode, string message) : Exception(message)
{
    public int ErrorCode { get; } = errorCode;
}
