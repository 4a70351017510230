var builder = WebApplication.CreateSlimBuilder(args);
builder.AddMeridian();
var app = builder.Build();
app.MapGet("/whoami", () => builder.Configuration["Name"] ?? "test-app");
app.Lifetime.ApplicationStarted.Register(() => Console.WriteLine("test-app started"));
await app.RunAsync();
