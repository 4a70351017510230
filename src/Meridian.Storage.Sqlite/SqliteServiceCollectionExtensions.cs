using Meridian.Persistence;
using Meridian.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

public static class SqliteServiceCollectionExtensions
{
    /// <summary>Keeps Meridian's data in an embedded SQLite file (<c>./data/meridian.db</c> unless configured).</summary>
    public static IServiceCollection AddMeridianSqlite(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<SqliteOptions>()
            .BindConfiguration(SqliteOptions.SectionName)
            .Validate(o => o.Synchronous.ToUpperInvariant() is "FULL" or "NORMAL" or "EXTRA", "Meridian:Storage:Sqlite:Synchronous must be FULL, NORMAL or EXTRA.")
            .Validate(o => o.EphemeralSynchronous.ToUpperInvariant() is "FULL" or "NORMAL" or "EXTRA", "Meridian:Storage:Sqlite:EphemeralSynchronous must be FULL, NORMAL or EXTRA.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.DataDirectory) && !string.IsNullOrWhiteSpace(o.FileName), "Meridian:Storage:Sqlite:DataDirectory and FileName must not be empty.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<SqliteDatabase>();
        services.TryAddSingleton<IChangeStore, SqliteChangeStore>();
        services.TryAddSingleton<IConfigHistoryStore, SqliteConfigHistoryStore>();
        services.TryAddSingleton<IAuthStore, SqliteAuthStore>();
        services.AddHealthChecks().AddCheck<SqliteHealthCheck>("sqlite", tags: ["ready"]);
        return services;
    }
}
