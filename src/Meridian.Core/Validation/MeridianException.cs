namespace Meridian.Validation;

/// <summary>Base of the errors the core reports to its callers; protocol adapters map each kind to their own wire form.</summary>
public abstract class MeridianException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Input that breaks a rule. <see cref="Errors"/> names each field and what to fix.</summary>
public sealed class InvalidInputException(IReadOnlyDictionary<string, string[]> errors)
    : MeridianException(string.Join("; ", errors.SelectMany(e => e.Value.Select(v => $"{e.Key}: {v}"))))
{
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;

    public static InvalidInputException For(string field, string message) => new(new Dictionary<string, string[]> { [field] = [message] });
}

public sealed class NotFoundException(string message) : MeridianException(message);

public sealed class ConflictException(string message) : MeridianException(message);

/// <summary>The store could not take the write (disk full, database down); nothing of it was kept. Worth retrying later.</summary>
public sealed class StorageUnavailableException(string message, Exception? inner = null) : MeridianException(message, inner)
{
    /// <summary>The store's disk (or database) is out of space: HTTP answers 507 Insufficient Storage rather than 503.</summary>
    public bool OutOfSpace { get; init; }
}

/// <summary>No credentials, or credentials that are not valid (wrong, expired, revoked): log in and try again.</summary>
public sealed class UnauthenticatedException(string message) : MeridianException(message);

/// <summary>The caller is known but lacks the permission; <see cref="Exception.Message"/> says which.</summary>
public sealed class AccessDeniedException(string message) : MeridianException(message);

/// <summary>Too many attempts in a short time; <see cref="RetryAfter"/> says when to try again.</summary>
public sealed class TooManyRequestsException(string message, TimeSpan retryAfter) : MeridianException(message)
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}

/// <summary>A quota is reached (instances per service, subscriptions per connection, requests per second); the message names the setting.</summary>
public sealed class LimitExceededException(string message) : MeridianException(message);
