// A minimal Kestrel endpoint per body file: what an HTTP server on this machine does when it only answers bytes. The
// wrk rows (bench/wrk.sh) compare each Meridian path with this answering the very bytes that path answered.
// Usage: Meridian.Ceiling --urls http://127.0.0.1:PORT --bodies DIR (each DIR/NAME.body is served at /NAME, GET or PUT,
// with the content type in DIR/NAME.type).
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var app = builder.Build();
var bodies = app.Configuration["bodies"] ?? throw new InvalidOperationException("--bodies DIR is required.");
foreach (var file in Directory.EnumerateFiles(bodies, "*.body"))
{
    var name = Path.GetFileNameWithoutExtension(file);
    var bytes = File.ReadAllBytes(file);
    var typeFile = Path.ChangeExtension(file, ".type");
    var type = File.Exists(typeFile) ? File.ReadAllText(typeFile).Trim() : "application/octet-stream";
    app.MapMethods("/" + name, ["GET", "PUT"], () => Results.Bytes(bytes, type));
}

app.Run();
