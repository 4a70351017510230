using System.Text.Json;
using Meridian.Namespaces;
using Meridian.Naming;
using Meridian.Persistence;
using Microsoft.Data.Sqlite;

namespace Meridian.Storage.Sqlite;

internal sealed class SqliteRegistryStore(SqliteDatabase database) : IRegistryStore
{
    public async Task<RegistryData> LoadAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenReadAsync(cancellationToken);
        var namespaces = new List<NamespaceInfo>();
        await foreach (var row in QueryAsync(connection, "SELECT id, name, description FROM namespaces", cancellationToken))
        {
            namespaces.Add(new NamespaceInfo(row.GetString(0), row.GetString(1), row.GetString(2)));
        }

        var services = new List<StoredService>();
        await foreach (var row in QueryAsync(connection, "SELECT namespace, grp, name, definition FROM services", cancellationToken))
        {
            var definition = JsonSerializer.Deserialize<ServiceDefinition>(row.GetString(3), SqliteJson.Options)!;
            services.Add(new StoredService(new ServiceKey(row.GetString(0), row.GetString(1), row.GetString(2)), definition));
        }

        var instances = new List<StoredInstance>();
        await foreach (var row in QueryAsync(connection, "SELECT namespace, grp, service, body FROM instances", cancellationToken))
        {
            var instance = JsonSerializer.Deserialize<Instance>(row.GetString(3), SqliteJson.Options)!;
            instances.Add(new StoredInstance(new ServiceKey(row.GetString(0), row.GetString(1), row.GetString(2)), instance));
        }

        return new RegistryData(namespaces, services, instances);
    }

    public Task SaveNamespaceAsync(NamespaceInfo ns, CancellationToken cancellationToken) => ExecuteAsync(
        "INSERT INTO namespaces (id, name, description) VALUES ($id, $name, $description) " +
        "ON CONFLICT (id) DO UPDATE SET name = excluded.name, description = excluded.description",
        p =>
        {
            p.AddWithValue("$id", ns.Id);
            p.AddWithValue("$name", ns.Name);
            p.AddWithValue("$description", ns.Description ?? "");
        },
        cancellationToken);

    public Task DeleteNamespaceAsync(string id, CancellationToken cancellationToken) =>
        ExecuteAsync("DELETE FROM namespaces WHERE id = $id", p => p.AddWithValue("$id", id), cancellationToken);

    public Task SaveServiceAsync(ServiceKey key, ServiceDefinition definition, CancellationToken cancellationToken) => ExecuteAsync(
        "INSERT INTO services (namespace, grp, name, definition) VALUES ($ns, $grp, $name, $definition) " +
        "ON CONFLICT (namespace, grp, name) DO UPDATE SET definition = excluded.definition",
        p =>
        {
            AddKey(p, key);
            p.AddWithValue("$definition", JsonSerializer.Serialize(definition, SqliteJson.Options));
        },
        cancellationToken);

    public Task DeleteServiceAsync(ServiceKey key, CancellationToken cancellationToken) =>
        ExecuteAsync("DELETE FROM services WHERE namespace = $ns AND grp = $grp AND name = $name", p => AddKey(p, key), cancellationToken);

    public Task SaveInstanceAsync(ServiceKey key, Instance instance, CancellationToken cancellationToken) => ExecuteAsync(
        "INSERT INTO instances (namespace, grp, service, instance_id, body) VALUES ($ns, $grp, $name, $id, $body) " +
        "ON CONFLICT (namespace, grp, service, instance_id) DO UPDATE SET body = excluded.body",
        p =>
        {
            AddKey(p, key);
            p.AddWithValue("$id", instance.InstanceId);
            p.AddWithValue("$body", JsonSerializer.Serialize(instance, SqliteJson.Options));
        },
        cancellationToken);

    public Task DeleteInstanceAsync(ServiceKey key, string instanceId, CancellationToken cancellationToken) => ExecuteAsync(
        "DELETE FROM instances WHERE namespace = $ns AND grp = $grp AND service = $name AND instance_id = $id",
        p =>
        {
            AddKey(p, key);
            p.AddWithValue("$id", instanceId);
        },
        cancellationToken);

    private static void AddKey(SqliteParameterCollection p, ServiceKey key)
    {
        p.AddWithValue("$ns", key.Namespace);
        p.AddWithValue("$grp", key.Group);
        p.AddWithValue("$name", key.Name);
    }

    private Task ExecuteAsync(string sql, Action<SqliteParameterCollection> bind, CancellationToken cancellationToken) =>
        database.WriteAsync(
            async (connection, ct) =>
            {
                await using var command = connection.CreateCommand();
                command.CommandText = sql;
                bind(command.Parameters);
                return await command.ExecuteNonQueryAsync(ct);
            },
            cancellationToken);

    private static async IAsyncEnumerable<SqliteDataReader> QueryAsync(
        SqliteConnection connection, string sql, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return reader;
        }
    }
}
