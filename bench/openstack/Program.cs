using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using GridSpan.Plan;
using GridSpan.Providers.OpenStack.Clouds;
using GridSpan.Providers.OpenStack.Settings;
using GridSpan.Providers.OpenStack;
using GridSpan.Provision;

// Creates and deletes an N-server site through the OpenStack provider and prints how long each took.
// Usage: GridSpan.Bench.OpenStack <clouds.yaml> <cloud> <servers> <image> <flavor>
var (cloudsPath, cloudName, count, image, flavor) = (args[0], args[1], int.Parse(args[2], CultureInfo.InvariantCulture), args[3], args[4]);
var cloud = CloudsFile.Parse(cloudName, cloudsPath, File.ReadAllText(cloudsPath), null);
var settings = new OpenStackSiteSettings(cloudName, null, null, null, null, ImmutableArray<string>.Empty, null, null, null);
await using var provider = OpenStackSiteProvider.Connect("bench", settings, cloud);
var cluster = "bench-" + Guid.NewGuid().ToString("N")[..8];
var cidr = IPNetwork.Parse("10.90.0.0/24");
using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(20));
var ct = cancel.Token;

var total = Stopwatch.StartNew();
var phase = Stopwatch.StartNew();
void Mark(string what)
{
    Console.Error.WriteLine($"  {what,-34} {phase.Elapsed.TotalSeconds,6:0.00} s");
    phase.Restart();
}

var network = await provider.CreateNetworkAsync(new NetworkRequest("bench", cluster, cidr, 1450), ct);
Mark("network, subnet, router");
var group = await provider.CreateSecurityGroupAsync(new SecurityGroupRequest("nodes", cluster,
[
    new SecurityRule(IpProtocol.Tcp, 22, 22, IPNetwork.Parse("0.0.0.0/0")),
    new SecurityRule(IpProtocol.Udp, 51820, 51820, IPNetwork.Parse("0.0.0.0/0")),
    new SecurityRule(IpProtocol.Any, 0, 0, cidr),
]), ct);
Mark("security group + 3 rules");
var key = await provider.CreateKeyPairAsync(new KeyPairRequest("admin", cluster, PublicKey()), ct);
Mark("key pair");
var servers = await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
{
    var port = await provider.CreatePortAsync(new PortRequest($"node-{i}", cluster, network.Id, null, [group.Id],
        i == 0 ? [IPNetwork.Parse("10.91.0.0/24")] : []), ct);
    var server = await provider.CreateServerAsync(new ServerRequest($"node-{i}", cluster, image, flavor, port.Id, key.Name,
        "#cloud-config\n{}\n", ImmutableSortedDictionary<string, string>.Empty), ct);
    return (port, server);
}));
Mark($"{count} ports + {count} server requests");
await provider.CreateFloatingIpAsync(new FloatingIpRequest("node-0", cluster, servers[0].port.Id), ct);
Mark("floating IP");
foreach (var (_, server) in servers)
{
    while (true)
    {
        var state = await provider.GetServerAsync(server.Id, ct) ?? throw new InvalidOperationException($"server {server.Name} vanished");
        if (state.Status == ServerStatus.Active)
        {
            break;
        }
        if (state.Status == ServerStatus.Error)
        {
            throw new InvalidOperationException($"server {server.Name} went to ERROR: {state.Fault}");
        }
        await Task.Delay(250, ct);
    }
}
Mark("all servers ACTIVE");
var created = total.Elapsed;
total.Restart();
phase.Restart();
var deleted = await new ClusterTerminator().TerminateAsync(cluster, new Dictionary<string, ISiteProvider> { ["bench"] = provider }, null, ct);
Mark($"terminate ({deleted.Length} resources)");
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"provider: create {count} servers {created.TotalSeconds:0.0} s, delete {total.Elapsed.TotalSeconds:0.0} s"));

static string PublicKey()
{
    using var rsa = RSA.Create(2048);
    var p = rsa.ExportParameters(false);
    using var blob = new MemoryStream();
    void Put(byte[] value)
    {
        blob.Write([(byte)(value.Length >> 24), (byte)(value.Length >> 16), (byte)(value.Length >> 8), (byte)value.Length]);
        blob.Write(value);
    }
    Put("ssh-rsa"u8.ToArray());
    Put(p.Exponent!);
    Put((p.Modulus![0] & 0x80) != 0 ? [0, .. p.Modulus] : p.Modulus);
    return "ssh-rsa " + Convert.ToBase64String(blob.ToArray()) + " bench";
}
