using System.Text.Json.Nodes;
using Meridian.Cli.Tests.Infrastructure;
using Meridian.Testing;

namespace Meridian.Cli.Tests.Login;

public sealed class LoginCommandTests(CliServer server) : IClassFixture<CliServer>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Login_writes_a_private_profile_with_a_token_that_later_commands_use()
    {
        var home = Directory.CreateTempSubdirectory("meridian-login-").FullName;
        try
        {
            var environment = new Dictionary<string, string> { ["HOME"] = home };
            var before = CliAssert.Exits(4, await CliRun.RunAsync(["ns", "ls", "--server", server.Address.ToString()], environment, null, Ct));
            Assert.Contains("meridian login", before.Stderr, StringComparison.Ordinal);

            var login = CliAssert.Ok(await CliRun.RunAsync(["login", "--server", server.Address.ToString(), "-u", "admin", "--password-stdin"],
                environment, TestAuth.AdminPassword + "\n", Ct));
            Assert.Contains("Logged in to " + server.Address + " as admin", login.Stdout, StringComparison.Ordinal);

            var path = Path.Combine(home, ".config", "meridian", "profile.json");
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(path)!));
            var text = await File.ReadAllTextAsync(path, Ct);
            Assert.DoesNotContain(TestAuth.AdminPassword, text, StringComparison.Ordinal);
            var profile = JsonNode.Parse(text)!;
            Assert.Equal(server.Address.ToString(), profile["server"]!.GetValue<string>());
            Assert.Equal("admin", profile["username"]!.GetValue<string>());
            Assert.StartsWith("eyJ", profile["token"]!.GetValue<string>(), StringComparison.Ordinal);

            // No flags, no variables: the profile gives both the server and the token.
            var listed = CliAssert.Ok(await CliRun.RunAsync(["ns", "ls", "-o", "json"], environment, null, Ct)).Json.AsArray();
            Assert.Equal("public", listed[0]!["id"]!.GetValue<string>());

            var wrong = CliAssert.Exits(4, await CliRun.RunAsync(["login", "--server", server.Address.ToString(), "-u", "admin", "--password-stdin"],
                environment, "not-the-password\n", Ct));
            Assert.Contains("error:", wrong.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    [Fact]
    public async Task Login_on_a_terminal_asks_the_username_and_a_masked_password()
    {
        var home = Directory.CreateTempSubdirectory("meridian-login-").FullName;
        try
        {
            // Enter takes the default user name (admin); then the password.
            var login = CliAssert.Ok(await CliRun.RunOnTerminalAsync($"dotnet \"{CliRun.Dll}\" login --server {server.Address}",
                new Dictionary<string, string> { ["HOME"] = home }, Ct, typed: "\n" + TestAuth.AdminPassword + "\n"));
            Assert.Contains("Username:", login.Stdout, StringComparison.Ordinal);
            Assert.Contains("Password: " + new string('*', TestAuth.AdminPassword.Length), login.Stdout, StringComparison.Ordinal);
            Assert.Contains("Logged in to " + server.Address, login.Stdout, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(home, ".config", "meridian", "profile.json")), login.ToString());
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    [Fact]
    public async Task Username_and_password_from_the_environment_log_in_for_one_command()
    {
        var environment = new Dictionary<string, string>
        {
            ["HOME"] = server.Home,
            ["MERIDIAN_SERVER"] = server.Address.ToString(),
            ["MERIDIAN_USERNAME"] = "admin",
            ["MERIDIAN_PASSWORD"] = TestAuth.AdminPassword,
        };
        Assert.Contains("public", CliAssert.Ok(await server.RunAsAsync(environment, "ns", "ls")).Stdout, StringComparison.Ordinal);
        environment.Remove("MERIDIAN_PASSWORD");
        Assert.Contains("MERIDIAN_PASSWORD", CliAssert.Exits(1, await server.RunAsAsync(environment, "ns", "ls")).Stderr, StringComparison.Ordinal);
    }
}
