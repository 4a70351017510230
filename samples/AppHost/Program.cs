using System.Reflection;

// The order/user story under .NET Aspire: one Meridian server, two user-services (clusters HZ and SH) and an
// order-service that calls "http://userservice" through Meridian. WithReference gives each its server addresses and
// an access key of its own, so none of them needs a Meridian setting.
var builder = DistributedApplication.CreateBuilder(args);

var serverDll = typeof(Program).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "MeridianServerDll").Value;
var registry = builder.AddMeridian("registry", serverDll);

builder.AddProject<Projects.UserService>("userservice")
    .WithHttpEndpoint()
    .WithReference(registry)
    .WithEnvironment("Meridian__ClusterName", "HZ")
    .WithEnvironment("Meridian__Config__Environment", "dev");
builder.AddProject<Projects.UserService>("userservice-sh")
    .WithHttpEndpoint()
    .WithReference(registry)
    .WithEnvironment("Meridian__ServiceName", "userservice")
    .WithEnvironment("Meridian__ClusterName", "SH")
    .WithEnvironment("Meridian__Config__Environment", "dev");
builder.AddProject<Projects.OrderService>("orderservice")
    .WithHttpEndpoint()
    .WithHttpHealthCheck("/order/101")
    .WithReference(registry)
    .WithEnvironment("Meridian__ClusterName", "HZ");

builder.Build().Run();
