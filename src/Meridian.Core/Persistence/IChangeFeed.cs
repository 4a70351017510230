namespace Meridian.Persistence;

/// <summary>
/// Tells the change log that the store may hold changes this node did not commit (another node of a cluster did). A
/// store that only this node writes has none.
/// </summary>
public interface IChangeFeed
{
    /// <summary>
    /// Yields, until cancelled, a revision the store has reached each time it may have changed: the one another node
    /// announced, or 0 when the feed cannot tell (it looks by polling while its connection is down). The change log then
    /// reads the log after the revision it applied and applies what it finds through the one path into memory.
    /// </summary>
    IAsyncEnumerable<long> WatchAsync(CancellationToken cancellationToken);
}
