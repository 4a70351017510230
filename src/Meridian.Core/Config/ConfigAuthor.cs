namespace Meridian.Config;

/// <summary>Who made a change and from where, as history records it.</summary>
public sealed record ConfigAuthor(string User, string SourceAddress)
{
    public const string AnonymousUser = "anonymous";

    public static ConfigAuthor Anonymous(string? sourceAddress) => new(AnonymousUser, sourceAddress ?? "");
}
