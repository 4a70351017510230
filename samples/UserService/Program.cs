using System.Globalization;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using UserService;

var builder = WebApplication.CreateBuilder(args);

// Registration, discovery and configuration all come from the "Meridian" section: the same binary runs as an HZ
// or an SH instance, in dev or prod, by configuration alone.
builder.AddMeridian();
builder.Services.Configure<PatternOptions>(builder.Configuration.GetSection("pattern"));
builder.Services.AddSingleton<UserStore>();
builder.Services.AddSingleton(TimeProvider.System);

var app = builder.Build();

string ServedBy()
{
    var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "?";
    return $"{address} ({app.Configuration["Meridian:ClusterName"] ?? "DEFAULT"})";
}

app.MapGet("/user/now", (IOptionsMonitor<PatternOptions> pattern, TimeProvider time) => new
{
    now = time.GetLocalNow().ToString(pattern.CurrentValue.DateFormat, CultureInfo.InvariantCulture),
    dateFormat = pattern.CurrentValue.DateFormat,
    greeting = pattern.CurrentValue.Greeting,
    servedBy = ServedBy(),
});

app.MapGet("/user/{id:long}", async (long id, UserStore users, CancellationToken ct) =>
    await users.FindAsync(id, ct) is { } user
        ? Results.Ok(new { user.Id, user.Username, user.Address, servedBy = ServedBy() })
        : Results.Problem(statusCode: 404, title: "No such user.", detail: $"User {id} does not exist."));

app.MapGet("/", () => Results.Redirect("/user/now"));
app.Run();
