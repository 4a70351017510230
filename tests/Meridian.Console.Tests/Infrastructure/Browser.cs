using Microsoft.Playwright;

namespace Meridian.Console.Tests.Infrastructure;

/// <summary>
/// Debian's Chromium driven by Playwright (its own browser download cannot reach the internet): headless, sandbox off
/// (tests run as root), and none of Chromium's own background traffic, so every request a page makes is the page's.
/// </summary>
public static class Browser
{
    public const string ExecutablePath = "/usr/bin/chromium";

    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException($"{ExecutablePath} is missing: apt-get install chromium (test.sh installs it).");
        }

        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ExecutablePath,
                Headless = true,
                Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
            });
            return (playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>Where screenshots go when <c>MERIDIAN_CONSOLE_SCREENSHOTS</c> names a folder (docs/console is made so); nowhere otherwise.</summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        if (Environment.GetEnvironmentVariable("MERIDIAN_CONSOLE_SCREENSHOTS") is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name + ".png"), FullPage = true });
        }
    }
}

/// <summary>
/// A Chromium of its own, logged in to a console at an address given (a server, a proxy), for tests that start their
/// own servers: one profile that records every request its page makes.
/// </summary>
public sealed class LoggedInBrowser(IPlaywright playwright, IBrowser browser, IBrowserContext context, IPage page, List<string> requests) : IAsyncDisposable
{
    public IBrowserContext Context => context;
    public IPage Page => page;

    /// <summary>Every URL the page requested; lock it to read.</summary>
    public List<string> Requests => requests;

    public static async Task<LoggedInBrowser> LogInAsync(Uri console, string username = "admin", string password = Meridian.Testing.TestAuth.AdminPassword)
    {
        var (playwright, browser) = await Browser.LaunchAsync();
        try
        {
            var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 860 } });
            context.SetDefaultTimeout(20_000);
            var requests = new List<string>();
            context.Request += (_, r) => { lock (requests) { requests.Add(r.Url); } };
            var page = await context.NewPageAsync();
            await ConsolePage.GoAsync(page, console, "/");
            await page.FillAsync("input[name=username]", username);
            await page.FillAsync("input[name=password]", password);
            await page.ClickAsync("button:has-text('Log in')");
            await Assertions.Expect(page.GetByTestId("user")).ToHaveTextAsync(username);
            return new LoggedInBrowser(playwright, browser, context, page, requests);
        }
        catch
        {
            await browser.DisposeAsync();
            playwright.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await context.DisposeAsync();
        await browser.DisposeAsync();
        playwright.Dispose();
    }
}
