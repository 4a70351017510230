namespace Meridian.Client.Tests.Infrastructure;

public static class TempDirectory
{
    public static string Create(string prefix) => Directory.CreateTempSubdirectory(prefix).FullName;
}
