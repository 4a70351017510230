using System.CommandLine;
using Meridian.Cli.Terminal;

namespace Meridian.Cli.Completion;

/// <summary>
/// <c>meridian completion bash|zsh</c>: a script for the shell's startup file. It asks the CLI itself for the words that
/// fit, through System.CommandLine's <c>[suggest:position]</c> directive (which dotnet-suggest also uses).
/// </summary>
internal static class CompletionCommand
{
    private const string Bash = """
        # meridian completion for bash: add to ~/.bashrc:  source <(meridian completion bash)
        _meridian_complete() {
            local IFS=$'\n'
            COMPREPLY=( $(compgen -W "$(meridian "[suggest:${#COMP_LINE}]" "$COMP_LINE" 2>/dev/null)" -- "${COMP_WORDS[COMP_CWORD]}") )
        }
        complete -o default -F _meridian_complete meridian

        """;

    private const string Zsh = """
        #compdef meridian
        # meridian completion for zsh: add to ~/.zshrc:  source <(meridian completion zsh)
        _meridian() {
            local -a candidates
            candidates=("${(@f)$(meridian "[suggest:${#BUFFER}]" "$BUFFER" 2>/dev/null)}")
            _describe 'meridian' candidates
        }
        compdef _meridian meridian

        """;

    public static Command Create(GlobalOptions options)
    {
        var shell = new Argument<string>("shell") { Description = "bash or zsh" };
        shell.AcceptOnlyFromAmong("bash", "zsh");
        var completion = new Command("completion", "Prints a shell completion script: source <(meridian completion bash)") { shell };
        completion.Run(options, (run, _) =>
        {
            run.Console.WriteRaw(run.Value(shell) == "zsh" ? Zsh : Bash, endLine: false);
            return Task.FromResult(ExitCodes.Ok);
        });
        return completion;
    }
}
