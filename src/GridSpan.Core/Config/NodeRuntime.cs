namespace GridSpan.Config;

/// <summary>What a site's nodes run on, as its provider says; decides the Slurm plugins, the shares' transport and the login user.</summary>
public enum NodeRuntime
{
    /// <summary>A systemd container (the local cloud's nodes): the host's kernel, no cgroup control, the host's uptime.</summary>
    Container,
    /// <summary>A virtual machine or a physical server.</summary>
    VirtualMachine,
}
