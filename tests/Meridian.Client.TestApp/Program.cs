using Meridian.Client.Discovery;

var builder = WebApplication.CreateSlimBuilder(args);
builder.AddMeridian();
var app = builder.Build();
app.MapGet("/whoami", () => builder.Configuration["Name"] ?? "test-app");

// What this app's Meridian client resolves a service to, so tests in other languages can check the .NET side.
app.MapGet("/peers/{service}", async (string service, IMeridianDiscovery discovery, CancellationToken ct) =>
    (await discovery.GetInstancesAsync(service, ct)).Select(i => $"{i.Host}:{i.Port}").ToArray());
app.Lifetime.ApplicationStarted.Register(() => Console.WriteLine("test-app started"));
await app.RunAsync();
