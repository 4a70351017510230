namespace Meridian.Client;

/// <summary>No Meridian server could be reached, or it did not answer in time. The client keeps reconnecting by itself.</summary>
public sealed class MeridianUnavailableException : Exception
{
    public MeridianUnavailableException()
    {
    }

    public MeridianUnavailableException(string message)
        : base(message)
    {
    }

    public MeridianUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
