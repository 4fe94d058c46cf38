using GridSpan.Secrets;

namespace GridSpan.Render;

/// <summary>
/// strongSwan's files for IKEv2 site-to-site tunnels, from <see cref="IpsecTunnel"/>s alone: the swanctl
/// connections, their pre-shared keys (a file of their own, 0600), charon's settings and the drop-in
/// that runs the routes script once charon is up. Every tunnel is UDP-encapsulated (`encap = yes`): where
/// ESP is done in user space (kernel-libipsec) it must be, behind the clouds' floating addresses it is
/// anyway, and so the firewall needs UDP 500 and 4500 only and the MTU is the same everywhere.
/// </summary>
public static class IpsecTunnelRenderer
{
    /// <summary>
    /// IKE and ESP: AES-256-CBC with HMAC-SHA2-256, which kernel-libipsec supports (AES-GCM it does not, here),
    /// and MODP-3072 for the key exchange (and PFS when the ESP keys are renewed). The MTU is computed for
    /// this cipher (OverlayOverhead.IpsecEsp).
    /// </summary>
    public const string Proposals = "aes256-sha256-modp3072";

    public static string RenderConnections(string comment, IEnumerable<IpsecTunnel> tunnels)
    {
        ArgumentNullException.ThrowIfNull(tunnels);
        var text = new TextLines()
            .Line($"# {comment}")
            .Line("connections {");
        foreach (var tunnel in tunnels)
        {
            var remote = tunnel.Remote;
            text.Line($"    {tunnel.Name} {{")
                .Line("        version = 2")
                .Line($"        remote_addrs = {remote.Address ?? "%any"}")
                .Line($"        proposals = {Proposals}")
                .Line("        encap = yes")
                .Line("        mobike = no")
                .Line("        dpd_delay = 10s")
                .Line("        local {")
                .Line("            auth = psk")
                .Line($"            id = {tunnel.Local.Id}")
                .Line("        }")
                .Line("        remote {")
                .Line("            auth = psk")
                .Line($"            id = {remote.Id}")
                .Line("        }")
                .Line("        children {")
                .Line($"            {tunnel.Name} {{")
                .Line($"                local_ts = {string.Join(", ", tunnel.Local.Subnets)}")
                .Line($"                remote_ts = {string.Join(", ", remote.Subnets)}")
                .Line($"                esp_proposals = {Proposals}")
                .Line("                mode = tunnel");
            if (tunnel.InterfaceId is { } id)
            {
                text.Line($"                if_id_in = {id}")
                    .Line($"                if_id_out = {id}");
            }
            // The initiating end brings the tunnel up at once, again on traffic (trap) and after the peer
            // vanished or closed it; the answering end only answers, so the two never race to make duplicates.
            text.Line(tunnel.Initiates && remote.Address is not null
                    ? "                start_action = trap|start"
                    : "                start_action = none")
                .Line(tunnel.Initiates ? "                dpd_action = restart" : "                dpd_action = clear");
            if (tunnel.Initiates)
            {
                text.Line("                close_action = start");
            }
            text.Line("            }")
                .Line("        }")
                .Line("    }");
        }
        return text.Line("}").ToString();
    }

    /// <summary>The pre-shared keys, each bound to its tunnel's two identities. A secret file.</summary>
    public static string RenderSecrets(string comment, IEnumerable<(IpsecTunnel Tunnel, IpsecPreSharedKey Key)> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var text = new TextLines()
            .Line($"# {comment}")
            .Line("secrets {");
        foreach (var (tunnel, key) in keys)
        {
            text.Line($"    ike-{tunnel.Name} {{")
                .Line($"        id-local = {tunnel.Local.Id}")
                .Line($"        id-remote = {tunnel.Remote.Id}")
                .Line($"        secret = 0s{key.Value}")
                .Line("    }");
        }
        return text.Line("}").ToString();
    }

    /// <summary>
    /// charon's settings: the routes are the routes script's (each with its tunnel's MTU), not charon's
    /// table 220; where the kernel has no ESP, kernel-libipsec does ESP in user space through its TUN device.
    /// </summary>
    public static string RenderCharonSettings(bool userspaceEsp)
    {
        var text = new TextLines()
            .Line("# Rendered by GridSpan.")
            .Line("charon {")
            .Line("    install_routes = no");
        if (userspaceEsp)
        {
            text.Line("    plugins {")
                .Line("        kernel-libipsec {")
                .Line("            load = yes")
                .Line("        }")
                .Line("    }");
        }
        return text.Line("}").ToString();
    }

    /// <summary>A drop-in for strongswan.service that runs the given script once charon is up and the connections are loaded.</summary>
    public static string RenderServiceDropIn(string routesScript) => new TextLines()
        .Line("# Rendered by GridSpan: the tunnel device's MTU and address, and the routes into it, after every start of charon.")
        .Line("[Service]")
        .Line($"ExecStartPost={routesScript}")
        .ToString();
}
