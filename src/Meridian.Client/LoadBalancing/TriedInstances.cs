using System.Runtime.CompilerServices;
using Meridian.Client.Discovery;

namespace Meridian.Client.LoadBalancing;

/// <summary>The instances one request already tried, on the stack: retries avoid them without allocating.</summary>
internal struct TriedInstances
{
    public const int Capacity = 4;

    private Slots _slots;
    private int _count;

    public readonly int Count => _count;

    public void Add(ServiceInstance instance)
    {
        if (_count < Capacity)
        {
            _slots[_count++] = instance;
        }
    }

    public readonly bool Contains(ServiceInstance instance)
    {
        for (var i = 0; i < _count; i++)
        {
            if (ReferenceEquals(_slots[i], instance))
            {
                return true;
            }
        }

        return false;
    }

    [InlineArray(Capacity)]
    private struct Slots
    {
        private ServiceInstance? _element;
    }
}
