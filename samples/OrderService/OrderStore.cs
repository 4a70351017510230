using Microsoft.Data.Sqlite;

namespace OrderService;

public sealed record Order(long Id, long UserId, string ProductName, long PriceCents, int Quantity);

/// <summary>The order-service's own database, apart from the user-service's: created and seeded on first start.</summary>
public sealed class OrderStore
{
    private readonly string _connectionString;

    public OrderStore(IConfiguration configuration, IHostEnvironment environment)
    {
        var path = configuration["Database:Path"] ?? Path.Combine(environment.ContentRootPath, "data", "orders.db");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path }.ToString();
        Seed();
    }

    public async Task<Order?> FindAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, user_id, product_name, price_cents, quantity FROM orders WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new Order(reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), reader.GetInt64(3), reader.GetInt32(4))
            : null;
    }

    private void Seed()
    {
        using var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            CREATE TABLE IF NOT EXISTS orders (
                id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL, product_name TEXT NOT NULL,
                price_cents INTEGER NOT NULL, quantity INTEGER NOT NULL);
            INSERT OR IGNORE INTO orders (id, user_id, product_name, price_cents, quantity) VALUES
                (101, 1, 'Longjing tea, 250 g', 12800, 2),
                (102, 2, 'Porcelain teapot', 35900, 1),
                (103, 1, 'Bamboo tea tray', 8900, 1),
                (104, 3, 'Silk scarf', 19900, 3),
                (105, 4, 'Mooncake box', 6800, 4);
            """;
        command.ExecuteNonQuery();
    }
}
