using System.Collections.Immutable;
using System.Security.Claims;
using Meridian.Config;
using Meridian.Naming;
using Meridian.Validation;

namespace Meridian.Auth;

public enum CallerKind
{
    /// <summary>A person or script that logged in with a password (or holds a token issued for one).</summary>
    User,

    /// <summary>A service or automation holding an access key.</summary>
    AccessKey,

    /// <summary>The server itself: expiry sweeps, probes, session releases.</summary>
    System,

    /// <summary>An anonymous caller on loopback, admitted only in Dev mode.</summary>
    Anonymous,
}

/// <summary>
/// Who is asking, with what they may do. Every command takes one and checks it before it appends a change, so
/// permissions and audit live in the core, once, whichever protocol the request came in by.
/// </summary>
public sealed class Caller
{
    public Caller(
        string name, CallerKind kind, bool isAdmin, ImmutableArray<Grant> grants, string sourceAddress = "",
        string? keyId = null, DateTimeOffset? expiresAt = null)
    {
        Name = name;
        Kind = kind;
        IsAdmin = isAdmin;
        Grants = grants.IsDefault ? [] : grants;
        SourceAddress = sourceAddress;
        KeyId = keyId;
        ExpiresAt = expiresAt;
    }

    /// <summary>The server acting on its own behalf.</summary>
    public static Caller System { get; } = new("system", CallerKind.System, isAdmin: true, []);

    public string Name { get; }
    public CallerKind Kind { get; }
    public bool IsAdmin { get; }
    public ImmutableArray<Grant> Grants { get; }

    /// <summary>The address the request came from, as history records it.</summary>
    public string SourceAddress { get; }

    /// <summary>The access key's id, for a caller holding one.</summary>
    public string? KeyId { get; }

    /// <summary>When the credential stops being valid (an access key's expiry), if it does.</summary>
    public DateTimeOffset? ExpiresAt { get; }

    /// <summary>The directory's own instance this caller was copied from for one address; this one when it is the original.</summary>
    internal Caller Origin { get => field ?? this; private init; }

    /// <summary>The caller a request carries; the authentication step puts it there.</summary>
    public static Caller Of(ClaimsPrincipal? principal) =>
        (principal as CallerPrincipal)?.Caller ?? throw new UnauthenticatedException("Log in first: send 'Authorization: Bearer <token or access key>'.");

    public Caller From(string sourceAddress) =>
        sourceAddress == SourceAddress ? this : new(Name, Kind, IsAdmin, Grants, sourceAddress, KeyId, ExpiresAt) { Origin = Origin };

    /// <summary>This caller with a credential that lapses earlier (a token's expiry).</summary>
    public Caller Until(DateTimeOffset expiresAt) =>
        ExpiresAt <= expiresAt ? this : new(Name, Kind, IsAdmin, Grants, SourceAddress, KeyId, expiresAt) { Origin = Origin };

    public bool Allows(ResourceKind kind, AccessActions action, string ns, string group, string name)
    {
        if (IsAdmin)
        {
            return true;
        }

        foreach (var grant in Grants)
        {
            if (grant.Covers(kind, action, ns, group, name))
            {
                return true;
            }
        }

        return false;
    }

    public bool MayRead(ServiceKey key) => Allows(ResourceKind.Service, AccessActions.Read, key.Namespace, key.Group, key.Name);

    public bool MayRead(ConfigKey key) => Allows(ResourceKind.Config, AccessActions.Read, key.Namespace, key.Group, key.DataId);

    /// <summary>Whether the namespace shows in this caller's lists: something in it may be read.</summary>
    public bool MaySee(string ns)
    {
        if (IsAdmin)
        {
            return true;
        }

        foreach (var grant in Grants)
        {
            if (grant.TouchesNamespace(ns))
            {
                return true;
            }
        }

        return false;
    }

    public void Demand(ResourceKind kind, AccessActions action, string ns, string group, string name)
    {
        if (!Allows(kind, action, ns, group, name))
        {
            var what = kind == ResourceKind.Service ? "service" : "config";
            throw new AccessDeniedException(
                $"'{Name}' may not {(action == AccessActions.Read ? "read" : "change")} {what} '{ns}/{group}/{name}'; " +
                $"ask an administrator for a role or an access key that grants {action.ToString().ToLowerInvariant()} on it.");
        }
    }

    public void Demand(ServiceKey key, AccessActions action) => Demand(ResourceKind.Service, action, key.Namespace, key.Group, key.Name);

    public void Demand(ConfigKey key, AccessActions action) => Demand(ResourceKind.Config, action, key.Namespace, key.Group, key.DataId);

    /// <summary>Namespaces, users, roles and keys are managed by administrators only.</summary>
    public void DemandAdmin(string what)
    {
        if (!IsAdmin)
        {
            throw new AccessDeniedException($"Only an administrator may {what}; '{Name}' is not one.");
        }
    }

    public override string ToString() => Name;
}

/// <summary>The principal the authentication step gives a request: it carries the <see cref="Caller"/>.</summary>
public sealed class CallerPrincipal : ClaimsPrincipal
{
    public CallerPrincipal(Caller caller, string scheme)
        : base(new ClaimsIdentity([new Claim(ClaimTypes.Name, caller.Name)], scheme, ClaimTypes.Name, ClaimTypes.Role))
    {
        Caller = caller;
    }

    public Caller Caller { get; }
}
