using System.Net.Http.Json;
using System.Text.Json;
using Meridian.Server.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Meridian.Console.Tests.Infrastructure;

/// <summary>
/// One real server process and one Chromium for a test class: tests open contexts of their own (each a fresh browser
/// profile: its own cookies) and make names of their own, so they share both without seeing each other's state.
/// </summary>
public sealed class ConsoleServer : IAsyncLifetime
{
    private readonly string _data = Directory.CreateTempSubdirectory("meridian-console-").FullName;
    private IPlaywright? _playwright;

    public ServerProcess Server { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;

    /// <summary>What the browser is pointed at: the server itself, or a proxy in front of it.</summary>
    public Uri ConsoleAddress { get; set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Server = await ServerProcess.StartAsync(_data, CancellationToken.None);
        ConsoleAddress = Server.BaseAddress;
        (_playwright, Browser) = await Infrastructure.Browser.LaunchAsync();
    }

    /// <summary>A new browser profile that records every request its pages make.</summary>
    public async Task<(IBrowserContext Context, IPage Page, List<string> Requests)> OpenAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 860 } });
        context.SetDefaultTimeout(15_000);
        var requests = new List<string>();
        context.Request += (_, request) =>
        {
            lock (requests)
            {
                requests.Add(request.Url);
            }
        };
        var page = await context.NewPageAsync();
        return (context, page, requests);
    }

    /// <summary>Opens the console and logs in through its form.</summary>
    public async Task LogInAsync(IPage page, string username = "admin", string password = Meridian.Testing.TestAuth.AdminPassword)
    {
        var response = await page.GotoAsync(ConsoleAddress.ToString());
        Assert.Equal(200, response?.Status);
        await page.FillAsync("input[name=username]", username);
        await page.FillAsync("input[name=password]", password);
        await page.ClickAsync("button:has-text('Log in')");
        await Assertions.Expect(page.GetByTestId("user")).ToHaveTextAsync(username);
    }

    /// <summary>Calls the API as the administrator (bearer token) and fails on any error answer.</summary>
    public async Task<JsonElement> AdminAsync(HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        using var response = await Server.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }

        Directory.Delete(_data, recursive: true);
    }
}
