using Meridian.Storage.Relational;

namespace Meridian.Server.Hosting;

/// <summary>Picks the store by <c>Meridian:Storage:Provider</c>: embedded SQLite (the default) or a PostgreSQL shared by a cluster.</summary>
internal static class StorageHosting
{
    public const string ProviderKey = "Meridian:Storage:Provider";

    public static IServiceCollection AddMeridianStorage(this IServiceCollection services, IConfiguration configuration)
    {
        // The node's own folder (its generated admin password) is there whichever database holds the data.
        services.AddMeridianSqliteOptions();
        var provider = configuration[ProviderKey];
        if (string.IsNullOrWhiteSpace(provider) || provider.Equals("Sqlite", StringComparison.OrdinalIgnoreCase))
        {
            return services.AddMeridianSqlite();
        }

        if (provider.Equals("Postgres", StringComparison.OrdinalIgnoreCase) || provider.Equals("PostgreSQL", StringComparison.OrdinalIgnoreCase))
        {
            return services.AddMeridianPostgres();
        }

        throw new InvalidOperationException($"{ProviderKey} is '{provider}'; it must be Sqlite (the default, one node) or Postgres (a cluster).");
    }

    /// <summary>Where the data lives, for the start-up log.</summary>
    public static string Describe(IServiceProvider services) => services.GetRequiredService<IRelationalEngine>().Description;
}
