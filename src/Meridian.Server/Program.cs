using Meridian.Server.Hosting;

var app = MeridianServer.Build(args);
await app.RunAsync();
