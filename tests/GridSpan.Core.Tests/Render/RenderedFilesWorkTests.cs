using System.Runtime.Versioning;
using GridSpan.Plan;
using GridSpan.Render;
using GridSpan.Secrets;
using YamlDotNet.RepresentationModel;

namespace GridSpan.Core.Tests.Render;

/// <summary>Rendered files checked by the programs that read them (installed by scripts/install-host-packages; the namespace test needs root).</summary>
[SupportedOSPlatform("linux")]
public sealed class RenderedFilesWorkTests
{
    private static readonly ClusterPlan Tri = RenderSnapshotTests.Tri;
    private static readonly ClusterSecrets TriSecrets = RenderSnapshotTests.TriSecrets;
    private static readonly ClusterRenderer Renderer = new(Tri, TriSecrets, RenderSnapshotTests.TriFacts, _ => RenderOptions.DebianContainer);

    private static readonly string[] WriteFilesKeys = ["path", "content", "permissions", "owner"];

    private static string File(string node, string path) => Renderer.Render(node).Bundle.Files.Single(f => f.Path == path).Content;

    [Fact]
    public void Dnsmasq_accepts_its_configuration()
    {
        using var directory = new TempDirectory();
        var path = directory.Write("gridspan.conf", File("tri-master", NodePaths.DnsmasqConf));
        Assert.Contains("syntax check OK", Tool.Run("dnsmasq", ["--test", "-C", path], "") + Tool.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public void Cloud_init_user_data_for_vms_is_yaml_that_carries_the_node_host_key_and_the_logins()
    {
        var userData = new ClusterRenderer(Tri, TriSecrets, RenderSnapshotTests.TriFacts, _ => RenderOptions.DebianVm).Render("tri-b-cpu-003").CloudInitUserData;
        var root = ParseCloudConfig(userData);
        Assert.Equal("tri-b-cpu-003", ((YamlScalarNode)root["hostname"]).Value);
        var keys = (YamlMappingNode)root["ssh_keys"];
        Assert.Equal(TriSecrets.HostKeys["tri-b-cpu-003"].PrivateKey, ((YamlScalarNode)keys["ed25519_private"]).Value);
        Assert.Equal(TriSecrets.HostKeys["tri-b-cpu-003"].PublicKey, ((YamlScalarNode)keys["ed25519_public"]).Value);
        var logins = ((YamlSequenceNode)root["ssh_authorized_keys"]).Children.Select(k => ((YamlScalarNode)k).Value).ToList();
        Assert.Equal([TestSpecs.UserKey, TriSecrets.ClusterSsh.PublicKey], logins);
    }

    [Fact]
    public void Cloud_init_user_data_of_a_site_whose_boot_data_holds_no_secret_lets_the_vm_make_and_print_its_own_host_key()
    {
        var plan = Tri with { Sites = [.. Tri.Sites.Select(s => s.Name == Tri.FindNode("tri-b-cpu-003")!.Site ? s with { BootDataWithoutSecrets = true } : s)] };

        var userData = new ClusterRenderer(plan, TriSecrets, RenderSnapshotTests.TriFacts, _ => RenderOptions.DebianVm).Render("tri-b-cpu-003").CloudInitUserData;

        var root = ParseCloudConfig(userData);
        Assert.False(root.Children.ContainsKey("ssh_keys"));
        Assert.DoesNotContain(TriSecrets.HostKeys["tri-b-cpu-003"].PrivateKey.Split('\n')[1], userData, StringComparison.Ordinal);
        Assert.Equal(["ed25519"], ((YamlSequenceNode)root["ssh_genkeytypes"]).Children.Select(k => ((YamlScalarNode)k).Value));
        Assert.Equal("true", ((YamlScalarNode)root["emit_keys_to_console"]).Value);
    }

    [Fact]
    public void Cloud_init_user_data_for_the_local_cloud_uses_only_the_keys_it_applies_and_writes_the_host_key_as_files()
    {
        var root = ParseCloudConfig(Renderer.Render("tri-b-cpu-003").CloudInitUserData);
        Assert.All(root.Children.Keys, k => Assert.Contains(((YamlScalarNode)k).Value, CloudInitRenderer.ContainerKeys));
        var files = ((YamlSequenceNode)root["write_files"]).Children.Cast<YamlMappingNode>()
            .ToDictionary(f => ((YamlScalarNode)f["path"]).Value!, f => f);
        Assert.All(files.Values.SelectMany(f => f.Children.Keys), k => Assert.Contains(((YamlScalarNode)k).Value, WriteFilesKeys));
        Assert.Equal(TriSecrets.HostKeys["tri-b-cpu-003"].PrivateKey, ((YamlScalarNode)files[NodePaths.HostKey]["content"]).Value);
        Assert.Equal("0600", ((YamlScalarNode)files[NodePaths.HostKey]["permissions"]).Value);
        Assert.Equal(TriSecrets.HostKeys["tri-b-cpu-003"].PublicKey + "\n", ((YamlScalarNode)files[NodePaths.HostKey + ".pub"]["content"]).Value);
        var logins = ((YamlSequenceNode)root["ssh_authorized_keys"]).Children.Select(k => ((YamlScalarNode)k).Value).ToList();
        Assert.Equal([TestSpecs.UserKey, TriSecrets.ClusterSsh.PublicKey], logins);
    }

    private static YamlMappingNode ParseCloudConfig(string userData)
    {
        Assert.StartsWith("#cloud-config\n", userData, StringComparison.Ordinal);
        var yaml = new YamlStream();
        yaml.Load(new StringReader(userData));
        return (YamlMappingNode)yaml.Documents[0].RootNode;
    }

    [Fact]
    public void The_worker_routes_script_sets_the_site_mtu_and_every_route_in_a_network_namespace()
    {
        using var namespaceScope = new NetworkNamespace();
        namespaceScope.Ip("link", "add", "eth0", "type", "veth", "peer", "name", "eth0p");
        namespaceScope.Ip("addr", "add", "10.12.0.11/24", "dev", "eth0");
        namespaceScope.Ip("link", "set", "eth0", "up");
        namespaceScope.Ip("link", "set", "eth0p", "up");

        namespaceScope.RunScript(File("tri-b-cpu-001", NodePaths.RoutesScript));
        namespaceScope.RunScript(File("tri-b-cpu-001", NodePaths.RoutesScript)); // idempotent

        Assert.Contains("mtu 1450", namespaceScope.Ip("link", "show", "eth0"), StringComparison.Ordinal);
        var routes = namespaceScope.Ip("-4", "route", "show");
        Assert.Contains("10.11.0.0/24 via 10.12.0.10 dev eth0 mtu 1370", routes, StringComparison.Ordinal);
        Assert.Contains("10.13.0.0/24 via 10.12.0.10 dev eth0 mtu 1320", routes, StringComparison.Ordinal);
        Assert.Contains("10.99.0.0/24 via 10.12.0.10 dev eth0 mtu 1320", routes, StringComparison.Ordinal);
    }

    [Fact]
    public void The_gateway_routes_script_routes_each_peer_into_the_tunnel_with_its_link_mtu()
    {
        using var namespaceScope = new NetworkNamespace();
        namespaceScope.Ip("link", "add", "eth0", "type", "veth", "peer", "name", "eth0p");
        namespaceScope.Ip("addr", "add", "10.12.0.10/24", "dev", "eth0");
        // The kernel here has no WireGuard: a veth named wg0 stands in for the tunnel interface.
        namespaceScope.Ip("link", "add", "wg0", "type", "veth", "peer", "name", "wg0p");
        namespaceScope.Ip("addr", "add", "10.99.0.2/24", "dev", "wg0");
        foreach (var link in new[] { "eth0", "eth0p", "wg0", "wg0p" })
        {
            namespaceScope.Ip("link", "set", link, "up");
        }

        namespaceScope.RunScript(File("tri-b-gw", NodePaths.RoutesScript));

        var routes = namespaceScope.Ip("-4", "route", "show");
        Assert.Contains("10.11.0.0/24 dev wg0 scope link src 10.12.0.10 mtu 1370", routes, StringComparison.Ordinal);
        Assert.Contains("10.13.0.0/24 dev wg0 scope link src 10.12.0.10 mtu 1320", routes, StringComparison.Ordinal);
        Assert.Contains("10.99.0.3 dev wg0 scope link mtu 1320", routes, StringComparison.Ordinal);
    }

    /// <summary>A network namespace of the test's own, deleted with everything in it when disposed.</summary>
    private sealed class NetworkNamespace : IDisposable
    {
        private readonly string _name = $"gs-plan-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}";

        public NetworkNamespace()
        {
            Tool.Run("ip", ["netns", "add", _name], "");
        }

        public string Ip(params string[] arguments) => Tool.Run("ip", ["-n", _name, .. arguments], "");

        public void RunScript(string script)
        {
            using var directory = new TempDirectory();
            var path = directory.Write("routes", script);
            Tool.Run("ip", ["netns", "exec", _name, "sh", path], "");
        }

        public void Dispose() => Tool.Run("ip", ["netns", "delete", _name], "");
    }

    private sealed class TempDirectory : IDisposable
    {
        private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("gridspan-render-");

        public string Write(string name, string content)
        {
            var path = Path.Combine(_directory.FullName, name);
            System.IO.File.WriteAllText(path, content);
            return path;
        }

        public void Dispose() => _directory.Delete(recursive: true);
    }
}
