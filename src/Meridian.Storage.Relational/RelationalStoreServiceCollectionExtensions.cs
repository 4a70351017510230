using Meridian.Persistence;
using Meridian.Storage.Relational;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

public static class RelationalStoreServiceCollectionExtensions
{
    /// <summary>Keeps Meridian's change log, history and auth in the relational database <typeparamref name="TEngine"/> reaches.</summary>
    public static IServiceCollection AddMeridianRelationalStore<TEngine>(this IServiceCollection services, string healthCheckName)
        where TEngine : class, IRelationalEngine
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<TEngine>();
        services.TryAddSingleton<IRelationalEngine>(sp => sp.GetRequiredService<TEngine>());
        services.TryAddSingleton<Meridian.Changes.WriteHealth>();
        services.TryAddSingleton<IChangeStore, RelationalChangeStore>();
        services.TryAddSingleton<IConfigHistoryStore, RelationalConfigHistoryStore>();
        services.TryAddSingleton<IAuthStore, RelationalAuthStore>();
        services.AddHealthChecks().AddCheck<StoreHealthCheck>(healthCheckName, tags: ["ready"]);
        return services;
    }
}
