using Meridian.Cli.Tests.Infrastructure;

namespace Meridian.Cli.Tests.Terminal;

/// <summary>What needs no server: help, completion, the server's own usage.</summary>
public sealed class ShellTests
{
    private static readonly Dictionary<string, string> Home = new() { ["HOME"] = Path.GetTempPath() };

    private static Task<CliResult> Run(params string[] args) => CliRun.RunAsync(args, Home, null, TestContext.Current.CancellationToken);

    [Fact]
    public async Task Completion_prints_shell_scripts_that_ask_the_cli_for_suggestions()
    {
        var bash = CliAssert.Ok(await Run("completion", "bash"));
        Assert.Contains("complete -o default -F _meridian_complete meridian", bash.Stdout, StringComparison.Ordinal);
        Assert.Contains("[suggest:", bash.Stdout, StringComparison.Ordinal);
        Assert.Contains("compdef _meridian meridian", CliAssert.Ok(await Run("completion", "zsh")).Stdout, StringComparison.Ordinal);
        CliAssert.Exits(1, await Run("completion", "fish"));

        var commands = CliAssert.Ok(await Run("[suggest:10]", "meridian c")).Stdout.Split('\n', StringSplitOptions.TrimEntries);
        Assert.Contains("cfg", commands);
        Assert.Contains("completion", commands);
        var subcommands = CliAssert.Ok(await Run("[suggest:14]", "meridian cfg w")).Stdout.Split('\n', StringSplitOptions.TrimEntries);
        Assert.Contains("watch", subcommands);
        Assert.DoesNotContain("get", subcommands);
    }

    [Fact]
    public async Task Help_lists_the_commands_and_server_help_prints_the_server_settings()
    {
        var help = CliAssert.Ok(await Run("--help"));
        Assert.Contains("meridian [command] [options]", help.Stdout, StringComparison.Ordinal);
        foreach (var command in (string[])["server", "login", "ns", "svc", "cfg", "key", "completion"])
        {
            Assert.Contains(command, help.Stdout, StringComparison.Ordinal);
        }

        var server = CliAssert.Ok(await Run("server", "--help"));
        Assert.Contains("Usage: meridian server [--setting=value ...]", server.Stdout, StringComparison.Ordinal);
        Assert.Contains("--Meridian:Storage:Sqlite:DataDirectory", server.Stdout, StringComparison.Ordinal);
    }
}
