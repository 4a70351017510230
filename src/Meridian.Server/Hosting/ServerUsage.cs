namespace Meridian.Server.Hosting;

/// <summary>What <c>--help</c> prints: how to start the server and the settings a first run most often needs.</summary>
internal static class ServerUsage
{
    public const string Text = """
        Meridian: a service registry and configuration center.

        Usage: Meridian.Server [--setting=value ...]

        Every setting of appsettings.json can be given as --Section:Key=value or as an environment variable
        Section__Key=value. The ones a first run most often needs:

          --urls http://0.0.0.0:8848                     the HTTP API, health, Nacos and Eureka APIs (default 8848)
          --Meridian:Grpc:Port=9848                      client connections (default: the HTTP port + 1000)
          --Meridian:Storage:Sqlite:DataDirectory=data   where the embedded store keeps its files
          --Meridian:Storage:Provider=Postgres           share one PostgreSQL between nodes, with
          --Meridian:Storage:Postgres:ConnectionString="Host=db;Database=meridian;Username=...;Password=..."
          --Meridian:Node:Id=node1                       a name per node of a cluster
          --Logging:Console:FormatterName=json           one JSON object per log line

        MERIDIAN_ADMIN_PASSWORD, set before the first start, chooses the password of the user 'admin' (otherwise one
        is generated and written to initial-admin-password in the data folder).

        Once running: the API reference at http://localhost:8848/docs, the OpenAPI document at /openapi/v1.json,
        health at /health/live and /health/ready. Quotas, logs and a full disk: docs/operations.md.

        """;
}
