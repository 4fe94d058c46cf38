namespace GridSpan.Config;

/// <summary>
/// A provider's own settings for one site (the `local:` or `openstack:` section), as validated
/// by that provider. The core sees only what planning needs; everything else is the provider's.
/// </summary>
public abstract record ProviderSiteSettings
{
    /// <summary>The site's subnet when the user fixed it; null lets the planner choose one.</summary>
    public abstract System.Net.IPNetwork? Subnet { get; }

    /// <summary>The MTU of the site's network when known; null means the planner's default (1500).</summary>
    public abstract int? Mtu { get; }

    /// <summary>What the site's nodes run on.</summary>
    public virtual NodeRuntime Runtime => NodeRuntime.VirtualMachine;

    /// <summary>
    /// False when the cloud's boot data (user data, custom data) must not carry secrets: the node's pre-generated
    /// SSH host key then reaches it with its bundle over SSH, and the first login pins the key the node made itself
    /// and the cloud reports (<see cref="Provision.ServerInfo.HostKeys"/>).
    /// </summary>
    public virtual bool BootDataMayHoldSecrets => true;
}
