using System.Net;
using GridSpan.Config;
using GridSpan.Providers.Azure.Settings;
using GridSpan.Provision;

namespace GridSpan.Providers.Azure.Tests.Settings;

public sealed class AzureSettingsTests
{
    private static ConfigLoadResult Load(string azure, string image = "Debian:debian-12:12-gen2:latest", string flavor = "Standard_D2s_v5") =>
        ClusterConfigLoader.LoadText($$"""
        name: demo
        ssh: { user: root }
        sites:
          - name: azure-we
            provider: azure
            {{azure}}
            master: { flavor: "{{flavor}}", image: "{{image}}", compute: true }
        overlay: { kind: wireguard, cidr: 10.99.0.0/24 }
        storage: { shares: [/home] }
        slurm: { suspendTime: 300, resumeTimeout: 300 }
        """, "cluster.yaml", "/tmp", new ProviderRegistry([new AzureProviderDefinition()]), "/nonexistent");

    [Fact]
    public void A_site_with_subscription_location_cidr_and_endpoint_loads_into_azure_settings()
    {
        var result = Load("azure: { subscription: 3f2a9c1e-0b7d-4e55-9a61-2c8d4b7e1f00, location: westeurope, cidr: 10.40.0.0/24, endpoint: 'https://management.usgovcloudapi.net' }");

        Assert.Empty(result.Errors);
        var settings = Assert.IsType<AzureSiteSettings>(result.Spec!.Sites[0].Settings);
        Assert.Equal("3f2a9c1e-0b7d-4e55-9a61-2c8d4b7e1f00", settings.Subscription);
        Assert.Equal("westeurope", settings.Location);
        Assert.Equal(IPNetwork.Parse("10.40.0.0/24"), settings.Subnet);
        Assert.Equal(new Uri("https://management.usgovcloudapi.net/"), settings.Endpoint);
        Assert.False(settings.BootDataMayHoldSecrets);
    }

    [Fact]
    public void Without_an_endpoint_the_public_cloud_is_used()
    {
        var result = Load("azure: { subscription: 3f2a9c1e-0b7d-4e55-9a61-2c8d4b7e1f00, location: westeurope }");

        Assert.Equal(new Uri("https://management.azure.com/"), ((AzureSiteSettings)result.Spec!.Sites[0].Settings).Endpoint);
    }

    [Theory]
    [InlineData("azure: { location: westeurope }", "sites[0].azure.subscription")]
    [InlineData("azure: { subscription: 3f2a9c1e-0b7d-4e55-9a61-2c8d4b7e1f00 }", "sites[0].azure.location")]
    [InlineData("azure: { subscription: not-a-guid, location: westeurope }", "sites[0].azure.subscription")]
    [InlineData("azure: { subscription: 3f2a9c1e-0b7d-4e55-9a61-2c8d4b7e1f00, location: westeurope, cidr: 10.40.0.1/24 }", "sites[0].azure.cidr")]
    [InlineData("azure: { subscription: 3f2a9c1e-0b7d-4e55-9a61-2c8d4b7e1f00, location: westeurope, cidr: 10.40.0.0/30 }", "sites[0].azure.cidr")]
    [InlineData("azure: { subscription: 3f2a9c1e-0b7d-4e55-9a61-2c8d4b7e1f00, location: westeurope, endpoint: 'ftp://arm' }", "sites[0].azure.endpoint")]
    public void A_mistake_is_an_error_at_its_key(string azure, string key)
    {
        var result = Load(azure);

        Assert.Contains(result.Errors, e => e.KeyPath == key);
    }

    [Fact]
    public void A_site_without_an_azure_section_is_told_what_to_add()
    {
        var result = Load("");

        Assert.Contains(result.Errors, e => e.Problem.Contains("an Azure site needs an `azure:` section", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Debian:debian-12:12-gen2:latest", true)]
    [InlineData("Canonical:ubuntu-24_04-lts:server:24.04.202501010", true)]
    [InlineData("/subscriptions/3f2a9c1e-0b7d-4e55-9a61-2c8d4b7e1f00/resourceGroups/images/providers/Microsoft.Compute/galleries/hpc/images/debian-slurm", true)]
    [InlineData("/subscriptions/3f2a9c1e-0b7d-4e55-9a61-2c8d4b7e1f00/resourceGroups/images/providers/Microsoft.Compute/galleries/hpc/images/debian-slurm/versions/1.2.3", true)]
    [InlineData("debian-12", false)]
    [InlineData("Debian:debian-12:12-gen2", false)]
    [InlineData("ami-0123456789abcdef0", false)]
    public void Images_are_marketplace_urns_or_gallery_images(string image, bool valid)
    {
        var result = Load("azure: { subscription: 3f2a9c1e-0b7d-4e55-9a61-2c8d4b7e1f00, location: westeurope }", image: image);

        Assert.Equal(valid, !result.Errors.Any(e => e.KeyPath.EndsWith("image", StringComparison.Ordinal)));
    }

    [Fact]
    public void Minimums_are_refused_as_not_read_for_azure_yet()
    {
        var result = Load("azure: { subscription: 3f2a9c1e-0b7d-4e55-9a61-2c8d4b7e1f00, location: westeurope }", flavor: "cpus>=2 ram>=4GiB");

        Assert.Contains(result.Errors, e => e.KeyPath.EndsWith("flavor", StringComparison.Ordinal)
            && e.Problem == "minimums such as 'cpus>=2 ram>=4GiB' are not read for Azure sites yet");
    }

    [Theory]
    [InlineData("Standard_D2s_v5", true)]
    [InlineData("Standard_HB120rs_v3", true)]
    [InlineData("t3.small", false)]
    [InlineData("cpus>=2 ram>=4GiB", false)]
    public void Flavors_are_vm_size_names(string flavor, bool valid)
    {
        var result = Load("azure: { subscription: 3f2a9c1e-0b7d-4e55-9a61-2c8d4b7e1f00, location: westeurope }", flavor: flavor);

        Assert.Equal(valid, !result.Errors.Any(e => e.KeyPath.EndsWith("flavor", StringComparison.Ordinal)));
    }
}
