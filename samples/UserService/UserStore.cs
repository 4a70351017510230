using Microsoft.Data.Sqlite;

namespace UserService;

public sealed record User(long Id, string Username, string Address);

/// <summary>The user-service's own database: created and seeded on first start.</summary>
public sealed class UserStore
{
    private readonly string _connectionString;

    public UserStore(IConfiguration configuration, IHostEnvironment environment)
    {
        var path = configuration["Database:Path"] ?? Path.Combine(environment.ContentRootPath, "data", "users.db");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path }.ToString();
        Seed();
    }

    public async Task<User?> FindAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, username, address FROM users WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? new User(reader.GetInt64(0), reader.GetString(1), reader.GetString(2)) : null;
    }

    private void Seed()
    {
        using var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            CREATE TABLE IF NOT EXISTS users (id INTEGER PRIMARY KEY, username TEXT NOT NULL, address TEXT NOT NULL);
            INSERT OR IGNORE INTO users (id, username, address) VALUES
                (1, 'alice', '1 Lake Road, Hangzhou'),
                (2, 'bob', '22 Bund Street, Shanghai'),
                (3, 'carol', '7 West Lake Avenue, Hangzhou'),
                (4, 'dave', '5 Nanjing Road, Shanghai'),
                (5, 'erin', '9 Canal Lane, Suzhou');
            """;
        command.ExecuteNonQuery();
    }
}
