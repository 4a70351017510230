using Meridian.Naming;

namespace Meridian.Health;

/// <summary>Healthy when <c>GET http://ip:port{path}</c> answers 2xx.</summary>
internal sealed class HttpHealthProbe(IHttpClientFactory clients) : IHealthProbe
{
    public const string ClientName = "Meridian.HealthProbe";

    public HealthCheckType Type => HealthCheckType.Http;

    public async Task<bool> ProbeAsync(Instance instance, HealthCheckDefinition check, CancellationToken cancellationToken)
    {
        var host = instance.Ip.Contains(':', StringComparison.Ordinal) ? $"[{instance.Ip}]" : instance.Ip;
        var uri = new Uri($"http://{host}:{check.Port ?? instance.Port}{check.Path}");
        try
        {
            using var response = await clients.CreateClient(ClientName).GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException e) when (e.InnerException is ProbeRefusedException refused)
        {
            throw refused;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }
}
