using System.Security.Cryptography;
using Meridian.Auth;
using Meridian.Storage.Sqlite;
using Microsoft.Extensions.Options;

namespace Meridian.Server.Auth;

/// <summary>
/// At start-up, before any request: loads the token key (configured, or this install's stored one, generated on the
/// first start) and creates the first administrator when the store has no user. Its password comes from
/// <c>MERIDIAN_ADMIN_PASSWORD</c> or is generated, printed once in the log and written to
/// <c>initial-admin-password</c> (mode 0600) in the data folder.
/// </summary>
internal sealed partial class AuthBootstrap(
    AuthDirectory directory,
    TokenService tokens,
    BrowserSessions sessions,
    IOptions<AuthOptions> options,
    IOptions<SqliteOptions> storage,
    IConfiguration configuration,
    ILogger<AuthBootstrap> logger) : IHostedService
{
    public const string PasswordFileName = "initial-admin-password";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var configured = options.Value.TokenSigningKey;
        var key = string.IsNullOrEmpty(configured)
            ? await directory.Store.GetOrAddSecretAsync(TokenService.SecretName, TokenService.NewKey(), cancellationToken)
            : Convert.FromBase64String(configured);
        tokens.UseKey(key);
        sessions.UseKey(key);

        if (options.Value.Mode == AuthMode.Dev)
        {
            LogDevMode(logger);
        }

        if (directory.HasUsers)
        {
            return;
        }

        var given = configuration[AuthOptions.AdminPasswordVariable] is { Length: > 0 } variable ? variable : options.Value.AdminPassword;
        if (given is { Length: < 8 or > 256 })
        {
            throw new OptionsValidationException(AuthOptions.AdminPasswordVariable, typeof(AuthOptions),
                [$"{AuthOptions.AdminPasswordVariable} must be 8 to 256 characters long."]);
        }

        var password = given ?? Generate();
        if (!await directory.BootstrapAdminAsync(password, cancellationToken))
        {
            return;
        }

        if (given is not null)
        {
            LogAdminFromVariable(logger, AuthOptions.AdminPasswordVariable);
            return;
        }

        var file = Path.Combine(storage.Value.DataDirectory, PasswordFileName);
        var fileOptions = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using (var stream = new FileStream(file, fileOptions))
        await using (var writer = new StreamWriter(stream))
        {
            await writer.WriteLineAsync(password.AsMemory(), cancellationToken);
        }

        LogAdminGenerated(logger, password, Path.GetFullPath(file));
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static string Generate()
    {
        const string alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        return string.Create(24, 0, (span, _) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)];
            }
        });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Created user 'admin' with the generated password {Password}; it is also in {File}. Log in with it (POST /v1/auth/token), then change it (PUT /v1/auth/users/admin).")]
    private static partial void LogAdminGenerated(ILogger logger, string password, string file);

    [LoggerMessage(Level = LogLevel.Information, Message = "Created user 'admin' with the password from {Variable}")]
    private static partial void LogAdminFromVariable(ILogger logger, string variable);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Meridian:Auth:Mode is Dev: anonymous callers on loopback act as administrator. Never use Dev mode on a reachable address.")]
    private static partial void LogDevMode(ILogger logger);
}
