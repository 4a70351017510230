namespace Aspire.Hosting.ApplicationModel;

/// <summary>Where a Meridian resource keeps its store across runs.</summary>
public sealed record MeridianDataDirectoryAnnotation(string Path) : IResourceAnnotation;
