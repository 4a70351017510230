namespace Meridian.Server.Tests.Infrastructure;

public static class Paths
{
    public static string Instances(string service, string ns = "public", string group = "DEFAULT_GROUP") =>
        $"/v1/namespaces/{ns}/groups/{group}/services/{service}/instances";

    public static string Service(string service, string ns = "public", string group = "DEFAULT_GROUP") =>
        $"/v1/namespaces/{ns}/groups/{group}/services/{service}";
}
