using Meridian.Server.Hosting;

if (args.Any(a => a is "--help" or "-h" or "-?" or "/?"))
{
    Console.Out.Write(ServerUsage.Text);
    return 0;
}

var app = MeridianServer.Build(args);
await app.RunAsync();
return 0;
