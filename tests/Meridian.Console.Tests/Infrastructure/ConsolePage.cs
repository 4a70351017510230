using Microsoft.Playwright;

namespace Meridian.Console.Tests.Infrastructure;

/// <summary>The console's controls as a user works them.</summary>
public static class ConsolePage
{
    /// <summary>Replaces the config editor's content as typed text (CodeMirror takes it like a paste: no auto-indent).</summary>
    public static async Task SetEditorAsync(IPage page, string text)
    {
        var editor = page.Locator(".cm-content").First;
        await editor.ClickAsync();
        await page.Keyboard.PressAsync("Control+A");
        await page.Keyboard.PressAsync("Delete");
        await page.Keyboard.InsertTextAsync(text);
    }

    public static async Task GoAsync(IPage page, Uri console, string route)
    {
        var response = await page.GotoAsync(new Uri(console, route.TrimStart('/')).ToString());
        Assert.Equal(200, response?.Status);
    }

    /// <summary>Every request the pages made went to the console's own origin: nothing from a CDN, nothing elsewhere.</summary>
    public static void AssertSameOrigin(Uri console, List<string> requests)
    {
        string[] seen;
        lock (requests)
        {
            seen = [.. requests];
        }

        Assert.NotEmpty(seen);
        var origin = console.GetLeftPart(UriPartial.Authority) + "/";
        Assert.All(seen, url => Assert.StartsWith(origin, url, StringComparison.Ordinal));
    }
}
