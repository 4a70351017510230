using Microsoft.Extensions.Options;

namespace Meridian.Client;

internal sealed class MeridianClientOptionsValidator : IValidateOptions<MeridianClientOptions>
{
    public ValidateOptionsResult Validate(string? name, MeridianClientOptions options)
    {
        var errors = new List<string>();
        if (options.ServerAddresses.Count == 0)
        {
            errors.Add("Meridian:ServerAddresses is empty; list at least one server, e.g. \"Meridian\": { \"ServerAddresses\": [ \"meridian:9848\" ] }.");
        }

        foreach (var address in options.ServerAddresses)
        {
            if (Connection.ServerAddressList.TryParse(address, out _) is false)
            {
                errors.Add($"Meridian:ServerAddresses has '{address}', which is not host:port or http(s)://host:port; fix or remove it.");
            }
        }

        if (!string.IsNullOrEmpty(options.Tls.CaCertificatePath))
        {
            try
            {
                Configuration.ServerCertificateTrust.LoadAuthorities(options.Tls.CaCertificatePath, "Meridian:Tls:CaCertificatePath");
            }
            catch (InvalidOperationException e)
            {
                errors.Add(e.Message);
            }
        }

        RequireName(errors, "Namespace", options.Namespace);
        RequireName(errors, "Group", options.Group);
        RequireName(errors, "ClusterName", options.ClusterName);
        if (!string.IsNullOrEmpty(options.ServiceName))
        {
            RequireName(errors, "ServiceName", options.ServiceName);
        }

        if (options.Weight is < 0 or > 10_000 || double.IsNaN(options.Weight))
        {
            errors.Add($"Meridian:Weight is {options.Weight}; use 0 (no traffic) to 10000.");
        }

        if (options.Port is < 1 or > 65535)
        {
            errors.Add($"Meridian:Port is {options.Port}; use 1..65535, or leave it out to register the port Kestrel listens on.");
        }

        if (!string.IsNullOrEmpty(options.Ip) && !System.Net.IPAddress.TryParse(options.Ip, out _) && Uri.CheckHostName(options.Ip) == UriHostNameType.Unknown)
        {
            errors.Add($"Meridian:Ip is '{options.Ip}', which is neither an IP address nor a host name.");
        }

        var connection = options.Connection;
        if (connection.MinReconnectDelay <= TimeSpan.Zero || connection.MaxReconnectDelay < connection.MinReconnectDelay)
        {
            errors.Add("Meridian:Connection:MinReconnectDelay must be positive and not above MaxReconnectDelay.");
        }

        Positive(errors, "Connection:ConnectTimeout", connection.ConnectTimeout);
        Positive(errors, "Connection:RequestTimeout", connection.RequestTimeout);
        Positive(errors, "Connection:PingInterval", connection.PingInterval);
        Positive(errors, "Connection:PingTimeout", connection.PingTimeout);
        Positive(errors, "Connection:DeregisterTimeout", connection.DeregisterTimeout);
        Positive(errors, "Discovery:InitialResolveTimeout", options.Discovery.InitialResolveTimeout);
        var balancing = options.LoadBalancing;
        if (balancing.MaxAttempts is < 1 or > MaxAttempts)
        {
            errors.Add($"Meridian:LoadBalancing:MaxAttempts is {balancing.MaxAttempts}; use 1 (no retry) to {MaxAttempts}.");
        }

        if (balancing.AttemptTimeout < MinTimeout || balancing.AttemptTimeout > MaxTimeout)
        {
            errors.Add($"Meridian:LoadBalancing:AttemptTimeout is {balancing.AttemptTimeout}; use {MinTimeout} to {MaxTimeout}.");
        }

        if (balancing.TotalTimeout < MinTimeout || balancing.TotalTimeout > MaxTimeout)
        {
            errors.Add($"Meridian:LoadBalancing:TotalTimeout is {balancing.TotalTimeout}; use {MinTimeout} to {MaxTimeout}.");
        }
        else if (balancing.AttemptTimeout > balancing.TotalTimeout)
        {
            errors.Add($"Meridian:LoadBalancing:AttemptTimeout ({balancing.AttemptTimeout}) is above TotalTimeout ({balancing.TotalTimeout}); one attempt cannot outlast the whole call.");
        }

        if (balancing.FailureCooldown < TimeSpan.Zero || balancing.FailureCooldown > MaxTimeout)
        {
            errors.Add($"Meridian:LoadBalancing:FailureCooldown is {balancing.FailureCooldown}; use 0 (off) to {MaxTimeout}.");
        }

        foreach (var service in options.Discovery.EagerServices)
        {
            RequireName(errors, "Discovery:EagerServices", service);
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private const int MaxAttempts = 10;
    private static readonly TimeSpan MinTimeout = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan MaxTimeout = TimeSpan.FromDays(1);

    private static void Positive(List<string> errors, string field, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            errors.Add($"Meridian:{field} is {value}; it must be positive.");
        }
    }

    private static void RequireName(List<string> errors, string field, string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > 256 || value.AsSpan().ContainsAnyExcept(NameChars))
        {
            errors.Add($"Meridian:{field} is '{value}'; use 1..256 letters, digits and '-', '.', '_', ':'.");
        }
    }

    private static readonly System.Buffers.SearchValues<char> NameChars =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._:");
}
