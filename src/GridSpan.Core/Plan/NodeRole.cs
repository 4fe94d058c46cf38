namespace GridSpan.Plan;

public enum NodeRole
{
    /// <summary>Runs slurmctld, DNS, the shared storage and the VPN hub of the first site.</summary>
    Master,
    /// <summary>The VPN node of every site but the first; forwards its site's traffic.</summary>
    Gateway,
    /// <summary>Runs jobs (slurmd).</summary>
    Worker,
}
