using Spectre.Console;

namespace Meridian.Cli.Terminal;

/// <summary>
/// Progress of long work on standard error: a live Spectre progress bar on a terminal; on a pipe or a log, where a bar
/// would be noise, one plain line per tenth of the work.
/// </summary>
internal static class ProgressReporter
{
    public static async Task RunAsync(CliConsole console, string description, int total, Func<Action, Task> work)
    {
        if (console.Err.Profile.Capabilities.Interactive)
        {
            await console.Err.Progress()
                .AutoClear(false)
                .HideCompleted(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .StartAsync(async context =>
                {
                    var task = context.AddTask(Markup.Escape(description), maxValue: Math.Max(total, 1));
                    await work(() => task.Increment(1));
                    task.Value = task.MaxValue;
                });
            return;
        }

        var done = 0;
        var reported = -1;
        void Report()
        {
            var tenth = total == 0 ? 10 : done * 10 / total;
            if (tenth != reported)
            {
                reported = tenth;
                console.Err.WriteLine($"{description}: {done}/{total} ({tenth * 10}%)");
            }
        }

        Report();
        await work(() =>
        {
            done++;
            Report();
        });
        done = total;
        Report();
    }
}
