namespace UserService;

/// <summary>Settings from Meridian: <c>pattern:dateformat</c> from <c>userservice-{env}.yaml</c>, <c>pattern:greeting</c> from the shared <c>userservice.yaml</c>.</summary>
public sealed class PatternOptions
{
    public string DateFormat { get; set; } = "yyyy-MM-dd HH:mm:ss";
    public string Greeting { get; set; } = "hello";
}
