using System.CommandLine;
using Meridian.Cli.Connection;
using Meridian.Cli.Terminal;

namespace Meridian.Cli.Configs;

/// <summary>The namespace, group and data id a config command is about, and the API paths that follow from them.</summary>
internal sealed class ConfigScope
{
    public ScopeOptions Options { get; } = new();

    public Argument<string> DataId { get; } = new("dataId") { Description = "The config's data id, such as app.yaml" };

    public string Namespace(Invocation run) => run.Value(Options.Namespace);

    public string Group(Invocation run) => run.Value(Options.Group);

    public string Path(Invocation run) => ConfigPath(Namespace(run), Group(run), run.Value(DataId));

    public string Describe(Invocation run) => $"{run.Value(DataId)} (group {Group(run)}, namespace {Namespace(run)})";

    public static string ConfigPath(string ns, string group, string dataId) =>
        $"v1/namespaces/{MeridianApi.Path(ns)}/groups/{MeridianApi.Path(group)}/configs/{MeridianApi.Path(dataId)}";
}
