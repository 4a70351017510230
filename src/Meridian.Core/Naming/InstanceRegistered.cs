namespace Meridian.Naming;

/// <summary>A registration's result: the instance as stored, and whether it was not registered before.</summary>
public sealed record InstanceRegistered(Instance Instance, bool Created);
