using System.Text;
using Meridian.Config.Formats;
using Meridian.Validation;

namespace Meridian.Config;

/// <summary>The naming, size and format rules a config must meet before it is stored.</summary>
public static class ConfigRules
{
    public const int MaxTags = 16;
    public const int MaxAppNameLength = 128;
    public const int MaxDescriptionLength = 1024;

    public static void Key(ValidationErrors errors, ConfigKey key)
    {
        Rules.Name(errors, "namespace", key.Namespace);
        Rules.Name(errors, "group", key.Group);
        Rules.Name(errors, "dataId", key.DataId);
    }

    public static void ThrowIfInvalid(ConfigKey key)
    {
        var errors = new ValidationErrors();
        Key(errors, key);
        errors.ThrowIfAny();
    }

    /// <summary>Checks the draft's own fields, then parses the content as <paramref name="type"/>.</summary>
    public static void Draft(ValidationErrors errors, ConfigDraft draft, ConfigType type, int maxContentBytes)
    {
        if (string.IsNullOrEmpty(draft.Content))
        {
            errors.Add("content", "'content' is required; delete the config instead of publishing it empty.");
        }
        else if (Encoding.UTF8.GetByteCount(draft.Content) is var bytes && bytes > maxContentBytes)
        {
            errors.Add("content", $"'content' is {bytes} bytes of UTF-8; at most {maxContentBytes} are allowed (Meridian:Config:MaxContentBytes).");
        }
        else if (ContentCheck.Find(type, draft.Content) is { } error)
        {
            errors.Add("content", $"'content' is not valid {ConfigTypes.Name(type)} at line {error.Line}, column {error.Column}: {error.Reason}");
        }

        if (draft.AppName is { Length: > MaxAppNameLength })
        {
            errors.Add("appName", $"'appName' must be at most {MaxAppNameLength} characters.");
        }

        if (draft.Description is { Length: > MaxDescriptionLength })
        {
            errors.Add("description", $"'description' must be at most {MaxDescriptionLength} characters.");
        }

        if (draft.Tags is { } tags)
        {
            if (tags.Count > MaxTags)
            {
                errors.Add("tags", $"'tags' has {tags.Count} entries; at most {MaxTags} are allowed.");
            }

            foreach (var tag in tags)
            {
                Rules.Name(errors, "tags", tag);
            }
        }

        if (draft.ExpectedMd5 is { Length: > 0 } md5 && (md5.Length != 32 || !md5.All(char.IsAsciiHexDigitLower)))
        {
            errors.Add("expectedMd5", $"'expectedMd5' must be 32 lower-case hex digits, \"\" (create only) or absent; got '{md5}'.");
        }

        if (draft.ExpectedVersion is < 1)
        {
            errors.Add("expectedVersion", $"'expectedVersion' is the version you read (1 or more), or absent; got {draft.ExpectedVersion}.");
        }
    }
}
