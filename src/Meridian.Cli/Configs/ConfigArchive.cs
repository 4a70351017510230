using Meridian.Cli.Terminal;
using Meridian.Config.Transfer;
using Meridian.Validation;
using ServerArchive = Meridian.Config.Transfer.ConfigArchive;

namespace Meridian.Cli.Configs;

/// <summary>The server's zip format (Nacos's export layout), with its refusals as usage errors of the command.</summary>
internal static class ConfigArchive
{
    public static void Write(Stream stream, IReadOnlyList<ArchivedConfig> configs) => ServerArchive.Write(stream, configs);

    public static List<ArchivedConfig> Read(Stream stream, string name)
    {
        try
        {
            return ServerArchive.Read(stream, name, ArchiveLimits.None);
        }
        catch (InvalidInputException e)
        {
            throw CliException.Usage(string.Join(" ", e.Errors.SelectMany(p => p.Value)));
        }
    }
}
