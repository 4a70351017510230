using Meridian.Storage.Sqlite;

namespace Microsoft.Extensions.DependencyInjection;

public static class SqliteServiceCollectionExtensions
{
    /// <summary>Keeps Meridian's data in an embedded SQLite file (<c>./data/meridian.db</c> unless configured).</summary>
    public static IServiceCollection AddMeridianSqlite(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddMeridianSqliteOptions();
        return services.AddMeridianRelationalStore<SqliteDatabase>("sqlite");
    }

    /// <summary>
    /// Binds and validates <c>Meridian:Storage:Sqlite</c>, which also names the node's data folder (its generated admin
    /// password, its caches) whichever database holds the data.
    /// </summary>
    public static IServiceCollection AddMeridianSqliteOptions(this IServiceCollection services)
    {
        services.AddOptions<SqliteOptions>()
            .BindConfiguration(SqliteOptions.SectionName)
            .Validate(o => o.Synchronous.ToUpperInvariant() is "FULL" or "NORMAL" or "EXTRA", "Meridian:Storage:Sqlite:Synchronous must be FULL, NORMAL or EXTRA.")
            .Validate(o => o.EphemeralSynchronous.ToUpperInvariant() is "FULL" or "NORMAL" or "EXTRA", "Meridian:Storage:Sqlite:EphemeralSynchronous must be FULL, NORMAL or EXTRA.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.DataDirectory) && !string.IsNullOrWhiteSpace(o.FileName), "Meridian:Storage:Sqlite:DataDirectory and FileName must not be empty.")
            .ValidateOnStart();
        return services;
    }
}
