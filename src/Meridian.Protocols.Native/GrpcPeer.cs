namespace Meridian.Protocols.Native;

/// <summary>gRPC names a peer <c>ipv4:10.0.0.1:5000</c> or <c>ipv6:[::1]:5000</c>; people and the other APIs write <c>ip:port</c>.</summary>
internal static class GrpcPeer
{
    public static string Address(string peer) =>
        peer.StartsWith("ipv4:", StringComparison.Ordinal) || peer.StartsWith("ipv6:", StringComparison.Ordinal) ? Uri.UnescapeDataString(peer[5..]) : peer;
}
