using GridSpan.Providers.OpenStack.Clouds;
using GridSpan.Providers.OpenStack.Master;

namespace GridSpan.Providers.OpenStack.Tests.Master;

public sealed class MasterCloudsFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("gridspan-os-master-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static CloudConfig Site(string name) => CloudsFile.Parse(name, "clouds.yaml", $$"""
        clouds:
          '{{name.Replace("'", "''", StringComparison.Ordinal)}}':
            auth: { auth_url: "https://keystone.example.org:5000/v3", username: alice, password: pw, project_id: p1 }
            region_name: "Region: One"
            interface: internal
        """, null);

    [Theory]
    [InlineData("research", "research.yaml")]
    [InlineData("my cloud/west", "my_cloud_west.yaml")]
    [InlineData("de.NBI-Bielefeld_2", "de.NBI-Bielefeld_2.yaml")]
    public void Each_entry_has_its_own_file_with_a_safe_name(string entry, string file)
    {
        Assert.Equal("/etc/gridspan/openstack/" + file, MasterCloudsFile.PathFor(entry));
    }

    [Fact]
    public void Names_and_values_with_quotes_and_colons_read_back_exactly()
    {
        const string entry = "it's \"odd\": yes";
        var text = MasterCloudsFile.Render(Site(entry), "c-1", "id:1", "se\"cr\\et: #x");

        var master = CloudsFile.Parse(entry, "master.yaml", text, null);

        Assert.Equal("id:1", master.Credentials.ApplicationCredentialId);
        Assert.Equal("se\"cr\\et: #x", master.Credentials.ApplicationCredentialSecret);
        Assert.Equal("Region: One", master.RegionName);
        Assert.Equal("internal", master.Interface);
    }

    [Fact]
    public void The_master_finds_its_own_file_before_any_clouds_yaml()
    {
        File.WriteAllText(Path.Combine(_directory, "clouds.yaml"), """
            clouds:
              research:
                auth: { auth_url: "https://keystone.example.org:5000/v3", username: alice, password: pw, project_id: p1 }
            """);
        var locator = new CloudsFileLocator(_ => null, _directory, "/nonexistent", _directory);
        Assert.Equal(AuthMethod.Password, CloudsFile.Load(locator, "research").Method);
        File.WriteAllText(MasterCloudsFile.PathFor("research", _directory), MasterCloudsFile.Render(Site("research"), "c-1", "ac9", "s"));

        var cloud = CloudsFile.Load(locator, "research");

        Assert.Equal(AuthMethod.ApplicationCredential, cloud.Method);
        Assert.Equal("ac9", cloud.Credentials.ApplicationCredentialId);
        Assert.Equal(MasterCloudsFile.PathFor("research", _directory), cloud.Source);
    }

    [Fact]
    public void An_explicit_OS_CLIENT_CONFIG_FILE_still_wins()
    {
        var explicitFile = Path.Combine(_directory, "mine.yaml");
        File.WriteAllText(explicitFile, """
            clouds:
              research:
                auth: { auth_url: "https://keystone.example.org:5000/v3", username: alice, password: pw, project_id: p1 }
            """);
        File.WriteAllText(MasterCloudsFile.PathFor("research", _directory), MasterCloudsFile.Render(Site("research"), "c-1", "ac9", "s"));
        var locator = new CloudsFileLocator(v => v == "OS_CLIENT_CONFIG_FILE" ? explicitFile : null, "/nonexistent", "/nonexistent", _directory);

        Assert.Equal(AuthMethod.Password, CloudsFile.Load(locator, "research").Method);
    }
}
