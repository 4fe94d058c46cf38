namespace GridSpan.Providers.Local.Tests;

[Collection(LocalCloudCollection.Name)]
public sealed class NodeTests
{
    [Fact]
    public async Task A_node_boots_clean_with_the_roles_programs_one_mpi_and_devices_but_no_role_service_running()
    {
        await using var test = await LocalTestCloud.CreateAsync();
        var sites = new Sites(test, "c-node");
        var site = await sites.NetworkAsync("site", "10.91.0.0/24", 1500);
        var group = await sites.GroupAsync("ssh", Sites.Tcp(22));
        var node = await sites.BootAsync("n1", site, group, """
            #cloud-config
            hostname: compute-1
            write_files:
              - path: /etc/gridspan/marker
                content: aGVsbG8=
                encoding: b64
                permissions: '0600'
            runcmd:
              - [sh, -c, 'echo ran > /root/runcmd-ran']
            """);

        var running = await sites.RunAsync(node, "systemctl is-system-running --wait");
        Assert.True(running.Succeeded, $"the node is {running.StandardOutput.Trim()}: " +
            (await sites.RunAsync(node, "systemctl --failed --no-legend")).StandardOutput);
        Assert.Equal("compute-1", await sites.RunCheckedAsync(node, "hostname"));
        Assert.Equal("hello 600", await sites.RunCheckedAsync(node, "printf '%s ' \"$(cat /etc/gridspan/marker)\"; stat -c %a /etc/gridspan/marker"));
        Assert.Equal("ran", await sites.RunCheckedAsync(node, "for i in $(seq 50); do [ -f /root/runcmd-ran ] && break; sleep 0.1; done; cat /root/runcmd-ran"));
        Assert.Equal(32, (await sites.RunCheckedAsync(node, "cat /etc/machine-id")).Length);
        await sites.RunCheckedAsync(node, """
            set -e
            for program in slurmctld slurmd sinfo munged dnsmasq wg wireguard-go sshfs ganesha.nfsd rpcbind mpirun nft python3 ipsec; do
                command -v $program >/dev/null || { echo "missing $program"; exit 1; }
            done
            test -c /dev/net/tun && test -c /dev/fuse
            for unit in munge slurmctld slurmd dnsmasq nfs-ganesha; do
                [ "$(systemctl is-enabled $unit 2>/dev/null)" = disabled ] || { echo "$unit is $(systemctl is-enabled $unit)"; exit 1; }
                ! systemctl is-active --quiet $unit
            done
            systemctl is-active --quiet ssh
            """);
        // One MPI: plain mpicc finds its headers, and mpirun is the same MPI's (Open MPI's).
        await sites.RunCheckedAsync(node, """
            set -e
            printf '#include <mpi.h>\nint main(int c, char **v) { MPI_Init(&c, &v); return MPI_Finalize(); }\n' > /tmp/mpi-test.c
            mpicc -o /tmp/mpi-test /tmp/mpi-test.c
            mpirun --version | grep -q 'Open MPI'
            """);
        // Gateways change their own network: CAP_NET_ADMIN, forwarding, a TUN device for wireguard-go.
        await sites.RunCheckedAsync(node, "sysctl -q -w net.ipv4.ip_forward=1 && wireguard-go wgtest && ip link set wgtest up && ip link del wgtest");
    }
}
