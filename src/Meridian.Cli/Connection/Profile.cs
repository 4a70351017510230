using System.Text.Json;
using System.Text.Json.Serialization;
using Meridian.Cli.Terminal;

namespace Meridian.Cli.Connection;

/// <summary>What <c>meridian login</c> keeps: the server and a token for it (never the password).</summary>
internal sealed record Profile(
    [property: JsonPropertyName("server")] string Server,
    [property: JsonPropertyName("username")] string Username,
    [property: JsonPropertyName("token")] string Token,
    [property: JsonPropertyName("expiresAt")] DateTimeOffset ExpiresAt);

/// <summary>
/// The profile file, <c>~/.config/meridian/profile.json</c> (under <c>$XDG_CONFIG_HOME</c> when set), readable by its
/// owner only (0600, in a 0700 folder) since the token in it acts as the user.
/// </summary>
internal sealed class ProfileStore(string path)
{
    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true };

    public string Path { get; } = path;

    public static ProfileStore Default()
    {
        var config = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME") is { Length: > 0 } xdg
            ? xdg
            : System.IO.Path.Combine(Home(), ".config");
        return new ProfileStore(System.IO.Path.Combine(config, "meridian", "profile.json"));
    }

    /// <summary>HOME as set, even before the folder exists (GetFolderPath answers "" for a missing one).</summary>
    private static string Home() => Environment.GetEnvironmentVariable("HOME") is { Length: > 0 } home
        ? home
        : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile, Environment.SpecialFolderOption.DoNotVerify);

    public Profile? Read()
    {
        if (!File.Exists(Path))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<Profile>(File.ReadAllText(Path), Options);
        }
        catch (JsonException e)
        {
            throw CliException.Usage($"The profile {Path} is not valid JSON ({e.Message}); run 'meridian login' again to rewrite it.");
        }
    }

    public void Write(Profile profile)
    {
        var directory = System.IO.Path.GetDirectoryName(Path)!;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        // Written beside and moved over, so a reader never sees half a file and the mode is right from the first byte.
        var temporary = Path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temporary, options))
        {
            JsonSerializer.Serialize(stream, profile, Options);
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.Move(temporary, Path, overwrite: true);
    }
}
