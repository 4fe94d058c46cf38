namespace GridSpan.Plan;

public enum NodeRole
{
    /// <summary>Runs slurmctld, DNS, the shared storage and the VPN hub of the first site.</summary>
    Master,
    /// <summary>The VPN node of every site but the first; forwards its site's traffic.</summary>
    Gateway,
    /// <summary>Runs jobs (slurmd).</summary>
    Worker,
    /// <summary>The vxlan overlay's software switch, alone in its site and that site's VPN node: every node's traffic crosses it.</summary>
    Switch,
}
