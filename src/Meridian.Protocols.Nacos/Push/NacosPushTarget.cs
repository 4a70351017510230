using System.Net;
using Meridian.Protocols.Nacos.Naming;

namespace Meridian.Protocols.Nacos.Push;

/// <summary>One client's UDP receiver and the list it asked for; each gets the list shaped as it polls it.</summary>
internal readonly record struct NacosPushTarget(IPEndPoint EndPoint, NacosListQuery Query);
