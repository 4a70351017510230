using System.CommandLine;
using Meridian.Cli.Completion;
using Meridian.Cli.Configs;
using Meridian.Cli.Keys;
using Meridian.Cli.Login;
using Meridian.Cli.Namespaces;
using Meridian.Cli.Server;
using Meridian.Cli.Services;
using Meridian.Cli.Terminal;

namespace Meridian.Cli;

/// <summary>The <c>meridian</c> command line: its commands, and the one place a run starts.</summary>
internal static class MeridianCli
{
    public static RootCommand Build()
    {
        var options = new GlobalOptions();
        var root = new RootCommand("meridian: run a Meridian server and manage its namespaces, services, configs and access keys. Exit codes: docs/cli.md.");
        options.AddTo(root);
        root.Subcommands.Add(ServerCommand.Create());
        root.Subcommands.Add(LoginCommand.Create(options));
        root.Subcommands.Add(NamespaceCommands.Create(options));
        root.Subcommands.Add(ServiceCommands.Create(options));
        root.Subcommands.Add(ConfigCommands.Create(options));
        root.Subcommands.Add(KeyCommands.Create(options));
        root.Subcommands.Add(CompletionCommand.Create(options));
        return root;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        if (ServerCommand.IsHelp(args))
        {
            Console.Out.Write(ServerCommand.Usage);
            return ExitCodes.Ok;
        }

        if (ServerCommand.IsServer(args))
        {
            return await ServerCommand.RunAsync(args[1..]);
        }

        try
        {
            return await Build().Parse(args).InvokeAsync();
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException)
        {
            // The parser's own failures on odd input: a message, never a stack trace.
            await Console.Error.WriteLineAsync("error: " + e.Message);
            return ExitCodes.Usage;
        }
    }
}
