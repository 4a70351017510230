using Meridian.Naming;

namespace Meridian.Changes;

/// <summary>What start-up loaded, by kind, as the log reports it. <c>public</c> always exists, stored or not.</summary>
internal readonly record struct LoadedCounts(int Namespaces, int Services, int Instances, int Configs)
{
    public static LoadedCounts Of(IReadOnlyList<Change> state)
    {
        var namespaces = new HashSet<string>(StringComparer.Ordinal) { ServiceKey.DefaultNamespace };
        var services = new HashSet<ServiceKey>();
        int instances = 0, configs = 0;
        foreach (var change in state)
        {
            switch (change)
            {
                case NamespaceSaved saved:
                    namespaces.Add(saved.Namespace.Id);
                    break;
                case ServiceSaved saved:
                    services.Add(saved.Key);
                    break;
                case InstanceSaved saved:
                    services.Add(saved.Key);
                    instances++;
                    break;
                case ConfigSaved:
                    configs++;
                    break;
            }
        }

        return new LoadedCounts(namespaces.Count, services.Count, instances, configs);
    }
}
