namespace Meridian.Protocols.Eureka.Registry;

/// <summary>A refusal with Eureka's status code and plain-text reason (e.g. 400 <c>Missing hostname</c>).</summary>
internal sealed class EurekaException(int status, string reason) : Exception(reason)
{
    public int Status { get; } = status;
}
