namespace Meridian.Changes;

/// <summary>
/// In-memory state fed by the change log. <see cref="Apply"/> is called for every committed change, one at a time and in
/// revision order, whether the change was just made here, read at start-up or made elsewhere; a projection ignores the
/// kinds that are not its own and must not throw.
/// </summary>
public interface IChangeProjection
{
    void Apply(Change change);
}
