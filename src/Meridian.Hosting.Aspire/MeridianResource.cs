namespace Aspire.Hosting.ApplicationModel;

/// <summary>A Meridian server run by the AppHost: its HTTP API (<c>http</c>) and its client-connection port (<c>grpc</c>).</summary>
public sealed class MeridianResource(string name, string command, string workingDirectory, ParameterResource adminPassword)
    : ExecutableResource(name, command, workingDirectory), IResourceWithServiceDiscovery
{
    internal const string HttpEndpointName = "http";
    internal const string ClientEndpointName = "grpc";

    /// <summary>The password of the user <c>admin</c>, set on the server's first start.</summary>
    public ParameterResource AdminPassword { get; } = adminPassword;

    public EndpointReference HttpEndpoint => new(this, HttpEndpointName);

    public EndpointReference ClientEndpoint => new(this, ClientEndpointName);
}
