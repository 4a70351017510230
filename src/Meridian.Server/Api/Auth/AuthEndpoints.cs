using System.Collections.Immutable;
using System.Security.Claims;
using Meridian.Auth;
using Meridian.Validation;

namespace Meridian.Server.Api.Auth;

public sealed record TokenRequest(string? Username, string? Password);

public sealed record TokenResponse(string AccessToken, string TokenType, long ExpiresIn);

public sealed record CallerResponse(string Name, string Kind, bool Admin, IReadOnlyList<GrantContract> Grants);

public sealed record GrantContract(string? Namespace, string? Group, string? Kind, string? Name, IReadOnlyList<string>? Actions);

public sealed record UserRequest(string? Username, string? Password, IReadOnlyList<string>? Roles);

public sealed record UserUpdateRequest(string? Password, IReadOnlyList<string>? Roles);

public sealed record UserResponse(string Username, IReadOnlyList<string> Roles, DateTimeOffset CreatedAt);

public sealed record RoleRequest(IReadOnlyList<GrantContract>? Grants);

public sealed record RoleResponse(string Name, IReadOnlyList<GrantContract> Grants);

/// <summary>
/// An access key's scope: namespaces and groups (patterns, <c>*</c> for any) and what it may do there:
/// <c>discovery:read</c>, <c>register</c>, <c>config:read</c>, <c>config:write</c>.
/// </summary>
public sealed record KeyRequest(string? Name, IReadOnlyList<string>? Namespaces, IReadOnlyList<string>? Groups, IReadOnlyList<string>? Scopes, DateTimeOffset? ExpiresAt);

public sealed record KeyResponse(
    string Id, string Name, IReadOnlyList<GrantContract> Grants, string CreatedBy, DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt, DateTimeOffset? LastUsedAt, string? Key = null);

/// <summary>Login, the caller's own identity, and the administration of users, roles and access keys.</summary>
internal static class AuthEndpoints
{
    public static void MapAuthEndpoints(this RouteGroupBuilder api)
    {
        var auth = api.MapGroup("/auth").WithTags("Auth");

        auth.MapPost("/token", async (TokenRequest request, HttpContext http, Credentials credentials) =>
            {
                var caller = await PasswordSignIn.SignInAsync(request, http, credentials);
                var token = credentials.IssueToken(caller);
                return new TokenResponse(token.AccessToken, "Bearer", (long)token.ExpiresIn.TotalSeconds);
            })
            .AllowAnonymous()
            .WithSummary("Logs in with a username and password; send the token as 'Authorization: Bearer <accessToken>'.");

        auth.MapSessionEndpoints();

        auth.MapGet("/me", (ClaimsPrincipal user) =>
            {
                var caller = Caller.Of(user);
                return new CallerResponse(caller.Name, caller.Kind.ToString().ToLowerInvariant(), caller.IsAdmin, [.. caller.Grants.Select(ToContract)]);
            })
            .WithSummary("Who the credentials belong to and what they grant.");

        auth.MapGet("/users", (ClaimsPrincipal user, AuthDirectory directory) =>
                directory.Users(Caller.Of(user)).Select(ToResponse).ToList())
            .WithSummary("Lists users (administrators only).");

        auth.MapPost("/users", async (UserRequest request, ClaimsPrincipal user, AuthDirectory directory, CancellationToken ct) =>
            {
                var created = await directory.CreateUserAsync(request.Username ?? "", request.Password ?? "", request.Roles ?? [], Caller.Of(user), ct);
                return Results.Created($"/v1/auth/users/{created.Name}", ToResponse(created));
            })
            .WithSummary("Creates a user with roles (administrators only).");

        auth.MapPut("/users/{name}", async (string name, UserUpdateRequest request, ClaimsPrincipal user, AuthDirectory directory, CancellationToken ct) =>
                ToResponse(await directory.UpdateUserAsync(name, request.Password, request.Roles, Caller.Of(user), ct)))
            .WithSummary("Changes a user's password (the user or an administrator) or roles (an administrator).");

        auth.MapDelete("/users/{name}", async (string name, ClaimsPrincipal user, AuthDirectory directory, CancellationToken ct) =>
            {
                await directory.DeleteUserAsync(name, Caller.Of(user), ct);
                return Results.NoContent();
            })
            .WithSummary("Deletes a user (administrators only); the last administrator cannot be deleted.");

        auth.MapGet("/roles", (ClaimsPrincipal user, AuthDirectory directory) =>
                directory.Roles(Caller.Of(user)).Select(ToResponse).ToList())
            .WithSummary("Lists roles and their grants (administrators only).");

        auth.MapPut("/roles/{name}", async (string name, RoleRequest request, ClaimsPrincipal user, AuthDirectory directory, CancellationToken ct) =>
                ToResponse(await directory.PutRoleAsync(new RoleDefinition(name, Grants(request.Grants)), Caller.Of(user), ct)))
            .WithSummary("Creates or replaces a role: grants of read/write on services or configs, by namespace, group and name pattern.");

        auth.MapDelete("/roles/{name}", async (string name, ClaimsPrincipal user, AuthDirectory directory, CancellationToken ct) =>
            {
                await directory.DeleteRoleAsync(name, Caller.Of(user), ct);
                return Results.NoContent();
            })
            .WithSummary("Deletes a role (administrators only).");

        auth.MapGet("/keys", (ClaimsPrincipal user, AuthDirectory directory) =>
                directory.Keys(Caller.Of(user)).Select(k => ToResponse(k)).ToList())
            .WithSummary("Lists access keys, without their secrets (administrators only).");

        auth.MapPost("/keys", async (KeyRequest request, ClaimsPrincipal user, AuthDirectory directory, CancellationToken ct) =>
            {
                var (key, secret) = await directory.CreateKeyAsync(request.Name ?? "", KeyGrants(request), request.ExpiresAt, Caller.Of(user), ct);
                return Results.Created($"/v1/auth/keys/{key.Id}", ToResponse(key, secret));
            })
            .WithSummary("Creates an access key; the 'key' in the answer is shown this once. Send it as 'Authorization: Bearer mrd_...'.");

        auth.MapDelete("/keys/{id}", async (string id, ClaimsPrincipal user, AuthDirectory directory, CancellationToken ct) =>
                ToResponse(await directory.RevokeKeyAsync(id, Caller.Of(user), ct)))
            .WithSummary("Revokes an access key at once (administrators only).");
    }

    private static UserResponse ToResponse(UserAccount user) => new(user.Name, user.Roles, user.CreatedAt);

    private static RoleResponse ToResponse(RoleDefinition role) => new(role.Name, [.. role.Grants.Select(ToContract)]);

    private static KeyResponse ToResponse(AccessKeyRecord key, string? secret = null) =>
        new(key.Id, key.Name, [.. key.Grants.Select(ToContract)], key.CreatedBy, key.CreatedAt, key.ExpiresAt, key.RevokedAt, key.LastUsedAt, secret);

    private static GrantContract ToContract(Grant grant) => new(
        grant.Namespace, grant.Group, grant.Kind?.ToString().ToLowerInvariant() ?? "*", grant.Name,
        [.. new[] { AccessActions.Read, AccessActions.Write }.Where(a => grant.Actions.HasFlag(a)).Select(a => a.ToString().ToLowerInvariant())]);

    private static ImmutableArray<Grant> Grants(IReadOnlyList<GrantContract>? grants)
    {
        var errors = new ValidationErrors();
        var result = ImmutableArray.CreateBuilder<Grant>();
        foreach (var (grant, i) in (grants ?? []).Select((g, i) => (g, i)))
        {
            var field = $"grants[{i}]";
            if (grant is null)
            {
                errors.Add(field, "A grant is an object such as {\"namespace\":\"dev\",\"kind\":\"config\",\"actions\":[\"read\"]}, not null.");
                continue;
            }

            ResourceKind? kind = grant.Kind?.ToLowerInvariant() switch
            {
                null or "*" => null,
                "service" => ResourceKind.Service,
                "config" => ResourceKind.Config,
                _ => Invalid<ResourceKind?>(errors, $"{field}.kind", $"'kind' must be 'service', 'config' or '*'; got '{grant.Kind}'."),
            };
            var actions = AccessActions.None;
            foreach (var action in grant.Actions ?? [])
            {
                actions |= action?.ToLowerInvariant() switch
                {
                    "read" => AccessActions.Read,
                    "write" => AccessActions.Write,
                    _ => Invalid<AccessActions>(errors, $"{field}.actions", $"An action must be 'read' or 'write'; got '{action}'."),
                };
            }

            if (actions == AccessActions.None)
            {
                errors.Add($"{field}.actions", "Give at least one action: 'read', 'write'.");
            }

            result.Add(new Grant(Pattern(grant.Namespace), Pattern(grant.Group), kind, Pattern(grant.Name), actions));
        }

        if (result.Count == 0)
        {
            errors.Add("grants", "A role needs at least one grant, such as {\"namespace\":\"dev\",\"kind\":\"config\",\"actions\":[\"read\"]}.");
        }

        errors.ThrowIfAny();
        return result.ToImmutable();
    }

    private static ImmutableArray<Grant> KeyGrants(KeyRequest request)
    {
        var errors = new ValidationErrors();
        if (request.Namespaces is not { Count: > 0 })
        {
            errors.Add("namespaces", "Name the namespaces the key may use, such as [\"dev\"] (or [\"*\"] for all).");
        }

        var scopes = new List<(ResourceKind, AccessActions)>();
        foreach (var scope in request.Scopes ?? [])
        {
            switch (scope?.ToLowerInvariant())
            {
                case "discovery:read": scopes.Add((ResourceKind.Service, AccessActions.Read)); break;
                case "register": scopes.Add((ResourceKind.Service, AccessActions.Write)); break;
                case "config:read": scopes.Add((ResourceKind.Config, AccessActions.Read)); break;
                case "config:write": scopes.Add((ResourceKind.Config, AccessActions.Write)); break;
                default: errors.Add("scopes", $"Unknown scope '{scope}'; use 'discovery:read', 'register', 'config:read', 'config:write'."); break;
            }
        }

        if (scopes.Count == 0)
        {
            errors.Add("scopes", "Give at least one scope: 'discovery:read', 'register', 'config:read', 'config:write'.");
        }

        errors.ThrowIfAny();
        var groups = request.Groups is { Count: > 0 } g ? g : ["*"];
        return [.. from ns in request.Namespaces! from grp in groups from s in scopes select new Grant(Pattern(ns), Pattern(grp), s.Item1, "*", s.Item2)];
    }

    private static string Pattern(string? value) => string.IsNullOrEmpty(value) ? "*" : value;

    private static T Invalid<T>(ValidationErrors errors, string field, string message)
    {
        errors.Add(field, message);
        return default!;
    }
}
