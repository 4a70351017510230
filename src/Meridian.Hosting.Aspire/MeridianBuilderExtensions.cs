using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting;

public static class MeridianBuilderExtensions
{
    /// <summary>
    /// Adds a Meridian server: <c>meridian server</c> (the Meridian.Cli tool), or <c>dotnet <paramref name="serverDll"/></c>
    /// when given. Auth is on; the admin password is <paramref name="adminPassword"/> or a generated secret parameter.
    /// </summary>
    public static IResourceBuilder<MeridianResource> AddMeridian(this IDistributedApplicationBuilder builder, [ResourceName] string name,
        string? serverDll = null, IResourceBuilder<ParameterResource>? adminPassword = null, int? httpPort = null, int? clientPort = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var password = adminPassword?.Resource ?? ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{name}-password", special: false);
        var resource = serverDll is null
            ? new MeridianResource(name, "meridian", builder.AppHostDirectory, password)
            : new MeridianResource(name, "dotnet", Path.GetDirectoryName(Path.GetFullPath(serverDll))!, password);
        // Like Aspire's databases, a fresh store per run unless WithDataDirectory keeps one.
        var data = Path.Combine(Path.GetTempPath(), "meridian-aspire", $"{name}-{Guid.NewGuid():N}");

        return builder.AddResource(resource)
            .WithHttpEndpoint(port: httpPort, name: MeridianResource.HttpEndpointName, isProxied: false)
            .WithEndpoint(port: clientPort, scheme: "http", name: MeridianResource.ClientEndpointName, isProxied: false)
            .WithArgs(context =>
            {
                if (serverDll is null)
                {
                    context.Args.Add("server");
                }
                else
                {
                    context.Args.Add(Path.GetFullPath(serverDll));
                }

                var http = resource.HttpEndpoint;
                context.Args.Add("--urls");
                context.Args.Add(ReferenceExpression.Create($"http://{http.Property(EndpointProperty.Host)}:{http.Property(EndpointProperty.TargetPort)}"));
                context.Args.Add(ReferenceExpression.Create($"--Meridian:Grpc:Port={resource.ClientEndpoint.Property(EndpointProperty.TargetPort)}"));
                var directory = resource.Annotations.OfType<MeridianDataDirectoryAnnotation>().LastOrDefault()?.Path ?? data;
                context.Args.Add($"--Meridian:Storage:Sqlite:DataDirectory={directory}");
            })
            .WithEnvironment("MERIDIAN_ADMIN_PASSWORD", password)
            .WithHttpHealthCheck("/health/ready", endpointName: MeridianResource.HttpEndpointName);
    }

    /// <summary>
    /// Keeps the server's store in <paramref name="path"/> across runs (each run starts with an empty one otherwise). The
    /// admin password applies on the first start only, so give it a fixed parameter too.
    /// </summary>
    public static IResourceBuilder<MeridianResource> WithDataDirectory(this IResourceBuilder<MeridianResource> builder, string path)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.WithAnnotation(new MeridianDataDirectoryAnnotation(Path.GetFullPath(path)), ResourceAnnotationMutationBehavior.Replace);
    }

    /// <summary>
    /// Points the project's Meridian client at <paramref name="meridian"/>: waits for it, creates an access key for the
    /// project in <paramref name="namespaces"/> (<c>public</c> when none are given), and sets the server addresses, the key
    /// and the service name (the resource's name).
    /// </summary>
    public static IResourceBuilder<TDestination> WithReference<TDestination>(this IResourceBuilder<TDestination> builder,
        IResourceBuilder<MeridianResource> meridian, params string[] namespaces)
        where TDestination : IResourceWithEnvironment, IResourceWithWaitSupport
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(meridian);
        var server = meridian.Resource;
        var name = builder.Resource.Name;
        IReadOnlyList<string> scope = namespaces.Length > 0 ? namespaces : ["public"];
        return builder
            .WaitFor(meridian)
            .WithEnvironment(async context =>
            {
                var http = server.HttpEndpoint;
                var client = server.ClientEndpoint;
                context.EnvironmentVariables["Meridian__ServerAddresses__0"] = ReferenceExpression.Create($"{client.Property(EndpointProperty.Host)}:{client.Property(EndpointProperty.Port)}");
                context.EnvironmentVariables["Meridian__Config__ServerAddresses__0"] = ReferenceExpression.Create($"{http.Property(EndpointProperty.Url)}/");
                context.EnvironmentVariables["Meridian__ServiceName"] = name;
                if (context.ExecutionContext.IsRunMode)
                {
                    var password = await server.AdminPassword.GetValueAsync(context.CancellationToken) ?? "";
                    context.EnvironmentVariables["Meridian__AccessKey"] =
                        await MeridianAccessKeys.CreateAsync(new Uri(http.Url + "/"), password, name, scope, context.CancellationToken);
                }
            });
    }
}
