using System.Net;
using System.Text.Json;
using OrderService;

var builder = WebApplication.CreateBuilder(args);

// The order-service finds the user-service by name: "http://userservice" resolves through Meridian, and the rule
// (same-cluster-first in the demo) comes from Meridian:LoadBalancing in configuration.
builder.AddMeridian();
builder.Services.AddSingleton<OrderStore>();
builder.Services
    .AddHttpClient("users", c =>
    {
        c.BaseAddress = new Uri("http://userservice");
        c.Timeout = TimeSpan.FromSeconds(5);
    })
    .AddMeridianLoadBalancing();

var app = builder.Build();

app.MapGet("/order/{id:long}", async (long id, OrderStore orders, IHttpClientFactory clients, ILogger<Program> logger, CancellationToken ct) =>
{
    var order = await orders.FindAsync(id, ct);
    if (order is null)
    {
        return Results.Problem(statusCode: 404, title: "No such order.", detail: $"Order {id} does not exist.");
    }

    try
    {
        using var response = await clients.CreateClient("users").GetAsync($"/user/{order.UserId}", ct);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return Results.Ok(new { order.Id, order.ProductName, order.PriceCents, order.Quantity, user = (object?)null });
        }

        response.EnsureSuccessStatusCode();
        var user = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        return Results.Ok(new { order.Id, order.ProductName, order.PriceCents, order.Quantity, user });
    }
    catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
    {
        logger.LogWarning("user-service unavailable for order {OrderId}: {Reason}", id, e.Message);
        return Results.Problem(
            statusCode: 503,
            title: "The user-service is unavailable.",
            detail: $"No user-service instance answered ({e.Message}). Check that one is registered in this namespace and healthy.");
    }
});

app.MapGet("/", () => Results.Redirect("/order/101"));
app.Run();
