namespace Meridian.Changes;

/// <summary>
/// Whether the store takes writes, as the change log last found: the last commit failing makes the node not ready
/// (<c>/health/ready</c>) until a commit, or the readiness check's own probe write, succeeds again.
/// </summary>
public sealed class WriteHealth
{
    private string? _failure;

    /// <summary>Why the last write failed, or null while writes succeed.</summary>
    public string? Failure => Volatile.Read(ref _failure);

    public void Failed(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        Volatile.Write(ref _failure, exception.GetBaseException().Message);
    }

    public void Succeeded()
    {
        if (Volatile.Read(ref _failure) is not null)
        {
            Volatile.Write(ref _failure, null);
        }
    }
}
