using System.Globalization;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using Microsoft.FeatureManagement;
using UserService;

var builder = WebApplication.CreateBuilder(args);

// Registration, discovery and configuration all come from the "Meridian" section: the same binary runs as an HZ
// or an SH instance, in dev or prod, by configuration alone.
builder.AddMeridian();
builder.Services.Configure<PatternOptions>(builder.Configuration.GetSection("pattern"));

// Feature flags live in Meridian configs too: a "FeatureManagement" section in userservice.yaml (or -dev.yaml) switches
// them in the running service, no restart.
builder.Services.AddFeatureManagement();
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

// The MaskAddress flag hides most of a user's address from callers.
app.MapGet("/user/{id:long}", async (long id, UserStore users, IFeatureManager features, CancellationToken ct) =>
    await users.FindAsync(id, ct) is { } user
        ? Results.Ok(new
        {
            user.Id,
            user.Username,
            Address = await features.IsEnabledAsync("MaskAddress", ct) ? AddressMask.Apply(user.Address) : user.Address,
            servedBy = ServedBy(),
        })
        : Results.Problem(statusCode: 404, title: "No such user.", detail: $"User {id} does not exist."));

app.MapGet("/", () => Results.Redirect("/user/now"));
app.Run();
