using System.CommandLine;
using System.Text.Json;
using Meridian.Cli.Connection;

namespace Meridian.Cli.Terminal;

/// <summary>One run of a command: its parsed line, its console, and (once asked for) its connection to the server.</summary>
internal sealed class Invocation(ParseResult parse, GlobalOptions options) : IDisposable
{
    private MeridianApi? _api;

    public ParseResult Parse { get; } = parse;

    public TimeProvider Time { get; } = TimeProvider.System;

    public CliConsole Console { get; } = new(options.Format(parse), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error);

    public T Value<T>(Option<T> option) => Parse.GetValue(option)!;

    public T Value<T>(Argument<T> argument) => Parse.GetValue(argument)!;

    public Target Target() => Connection.Target.Resolve(
        Parse.GetValue(options.Server), Parse.GetValue(options.Token), Parse.GetValue(options.Username), Parse.GetValue(options.Password),
        ProfileStore.Default(), Time.GetUtcNow());

    public async Task<MeridianApi> ApiAsync(CancellationToken cancellationToken) =>
        _api ??= await MeridianApi.ConnectAsync(Target(), cancellationToken);

    public void Dispose() => _api?.Dispose();
}

/// <summary>Runs a command's body and turns every failure into one clear line on standard error and an exit code.</summary>
internal static class CommandActions
{
    public static void Run(this Command command, GlobalOptions options, Func<Invocation, CancellationToken, Task<int>> body) =>
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var invocation = new Invocation(parse, options);
            try
            {
                return await body(invocation, cancellationToken);
            }
            catch (CliException e)
            {
                invocation.Console.Error(e.Message);
                return e.ExitCode;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                invocation.Console.Error("Interrupted.");
                return ExitCodes.Interrupted;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or InvalidDataException)
            {
                invocation.Console.Error(e.Message);
                return ExitCodes.Usage;
            }
        });

    /// <summary>The same, for bodies that succeed with 0 or fail by exception.</summary>
    public static void Run(this Command command, GlobalOptions options, Func<Invocation, CancellationToken, Task> body) =>
        command.Run(options, async (invocation, cancellationToken) =>
        {
            await body(invocation, cancellationToken);
            return ExitCodes.Ok;
        });
}
