using System.Net;
using GridSpan.Config;

namespace GridSpan.Providers.Local;

/// <summary>The `local:` section of a site: its network on this machine.</summary>
public sealed record LocalSiteSettings(IPNetwork? SubnetOrNull, int? MtuOrNull) : ProviderSiteSettings
{
    public override IPNetwork? Subnet => SubnetOrNull;

    public override int? Mtu => MtuOrNull;

    /// <summary>The local cloud's nodes are systemd containers.</summary>
    public override NodeRuntime Runtime => NodeRuntime.Container;
}
