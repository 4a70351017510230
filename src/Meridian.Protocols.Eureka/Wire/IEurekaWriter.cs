namespace Meridian.Protocols.Eureka.Wire;

/// <summary>Writes Eureka documents in one format; JSON and XML answer the same requests depending on <c>Accept</c>.</summary>
internal interface IEurekaWriter
{
    string ContentType { get; }

    byte[] Applications(IReadOnlyList<EurekaApplication> applications, string versionsDelta, string appsHashCode);

    byte[] Application(EurekaApplication application);

    byte[] Instance(EurekaInstanceView instance);
}
