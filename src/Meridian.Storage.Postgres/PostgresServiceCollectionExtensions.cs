using Meridian.Auth;
using Meridian.Persistence;
using Meridian.Storage.Postgres;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;

namespace Microsoft.Extensions.DependencyInjection;

public static class PostgresServiceCollectionExtensions
{
    /// <summary>
    /// Keeps Meridian's data in PostgreSQL (<c>Meridian:Storage:Postgres:ConnectionString</c>), shared by every node of a
    /// cluster: each node applies the others' changes as they commit.
    /// </summary>
    public static IServiceCollection AddMeridianPostgres(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<PostgresOptions>()
            .BindConfiguration(PostgresOptions.SectionName)
            .Validate(o => ParsesAsConnectionString(o.ConnectionString),
                "Meridian:Storage:Postgres:ConnectionString must be an Npgsql connection string with a Host, e.g. Host=db;Database=meridian;Username=meridian;Password=...")
            .Validate(o => o.PollInterval > TimeSpan.Zero && o.PollInterval <= TimeSpan.FromMinutes(1), "Meridian:Storage:Postgres:PollInterval must be between 0 and 1 minute.")
            .Validate(o => o.CatchUpInterval > TimeSpan.Zero && o.CatchUpInterval <= TimeSpan.FromHours(1), "Meridian:Storage:Postgres:CatchUpInterval must be between 0 and 1 hour.")
            .ValidateOnStart();
        services.AddMeridianRelationalStore<PostgresDatabase>("postgres");
        services.TryAddSingleton<PostgresChangeFeed>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IChangeFeed, PostgresChangeFeed>(sp => sp.GetRequiredService<PostgresChangeFeed>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHeartbeatExchange, PostgresHeartbeatExchange>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IMembershipStore, PostgresMembershipStore>());

        // Other nodes change users, roles and keys too: read them again often enough that a revocation holds everywhere.
        services.PostConfigure<AuthOptions>(o => o.DirectoryRefreshInterval ??= TimeSpan.FromSeconds(5));
        return services;
    }

    private static bool ParsesAsConnectionString(string value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return false;
        }

        try
        {
            return !string.IsNullOrWhiteSpace(new NpgsqlConnectionStringBuilder(value).Host);
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
