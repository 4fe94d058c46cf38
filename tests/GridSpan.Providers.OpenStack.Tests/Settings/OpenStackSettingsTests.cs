using System.Net;
using GridSpan.Config;
using GridSpan.Providers.OpenStack.Settings;
using GridSpan.Provision;

namespace GridSpan.Providers.OpenStack.Tests.Settings;

public sealed class OpenStackSettingsTests
{
    private static ConfigLoadResult Load(string openstack) => ClusterConfigLoader.LoadText($$"""
        name: demo
        ssh: { user: root }
        sites:
          - name: cloud-a
            provider: openstack
            {{openstack}}
            master: { flavor: "cpus>=2 ram>=4GiB", image: "/^debian-12-.*/", compute: true }
        overlay: { kind: wireguard, cidr: 10.99.0.0/24 }
        storage: { shares: [/home] }
        slurm: { suspendTime: 300, resumeTimeout: 300 }
        """, "cluster.yaml", "/tmp", new ProviderRegistry([OpenStackProviderDefinition.For(Common.HostEnvironment.Empty)]), "/nonexistent");

    [Fact]
    public void A_site_with_a_cloud_and_a_cidr_loads_into_openstack_settings()
    {
        var result = Load("openstack: { cloud: research, cidr: 10.20.0.0/24, externalNetwork: public, securityGroups: [ssh, ssh], bootVolumeSize: 20 }");

        Assert.Empty(result.Errors);
        var settings = Assert.IsType<OpenStackSiteSettings>(result.Spec!.Sites[0].Settings);
        Assert.Equal("research", settings.Cloud);
        Assert.Equal(IPNetwork.Parse("10.20.0.0/24"), settings.Subnet);
        Assert.Equal("public", settings.ExternalNetwork);
        Assert.Equal(["ssh"], settings.SecurityGroups.ToArray());
        Assert.Equal(20, settings.BootVolumeSize);
        Assert.False(settings.UsesExistingNetwork);
    }

    [Fact]
    public void An_existing_network_with_its_subnet_is_used_as_is()
    {
        var result = Load("openstack: { cloud: research, network: lab-net, subnet: lab-subnet }");

        var settings = Assert.IsType<OpenStackSiteSettings>(result.Spec!.Sites[0].Settings);
        Assert.True(settings.UsesExistingNetwork);
        Assert.Equal("lab-subnet", settings.SubnetName);
        Assert.Null(settings.Subnet);
    }

    [Theory]
    [InlineData("openstack: { cloud: research, subnet: lab-subnet }", "sites[0].openstack.subnet", "`network` is not set")]
    [InlineData("openstack: { cloud: research, network: lab-net, cidr: 10.20.0.0/24 }", "sites[0].openstack.cidr", "names an existing one")]
    [InlineData("openstack: { cloud: research, cidr: 10.20.0.1/24 }", "sites[0].openstack.cidr", "host bits zero")]
    public void Contradicting_or_malformed_network_settings_are_errors_at_their_key(string openstack, string key, string problem)
    {
        var result = Load(openstack);

        var error = Assert.Single(result.Errors);
        Assert.Equal(key, error.KeyPath);
        Assert.Contains(problem, error.Problem, StringComparison.Ordinal);
    }
}
