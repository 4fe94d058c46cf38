using System.Diagnostics;
using System.Globalization;
using System.Text;
using GridSpan.Config;
using GridSpan.Plan;
using GridSpan.Providers.Local;
using GridSpan.Provision;
using GridSpan.Render;
using GridSpan.Secrets;

var sites = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20;
var nodesPerSite = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 500;
const int Rounds = 5;

// A cluster.yaml with `sites` sites of `nodesPerSite` workers: a fifth always on, the rest on demand, in two groups.
var yaml = new StringBuilder("name: bench\nssh: { user: root }\nsites:\n");
for (var i = 0; i < sites; i++)
{
    var always = nodesPerSite / 5;
    var onDemand = nodesPerSite - always;
    yaml.Append(CultureInfo.InvariantCulture, $"  - name: s{i:00}\n    provider: local\n    local: {{ mtu: {1500 - (i % 4 * 10)} }}\n");
    yaml.Append(i == 0 ? "    master: { flavor: medium, image: debian-12 }\n" : "    gateway: { flavor: small, image: debian-12 }\n");
    yaml.Append(CultureInfo.InvariantCulture, $"    workers:\n      - {{ name: cpu, flavor: small, image: debian-12, count: {always}, onDemand: {onDemand / 2} }}\n");
    yaml.Append(CultureInfo.InvariantCulture, $"      - {{ name: big, flavor: large, image: debian-12, onDemand: {onDemand - (onDemand / 2)}, features: [highmem] }}\n");
}
yaml.Append("overlay: { kind: wireguard, cidr: 10.99.0.0/24 }\nstorage: { shares: [/home, /vol/spool] }\nslurm: { suspendTime: 300, resumeTimeout: 300 }\n");
var path = Path.Combine(Path.GetTempPath(), $"gridspan-bench-{Environment.ProcessId}.yaml");
File.WriteAllText(path, yaml.ToString());
var providers = new ProviderRegistry([new LocalProviderDefinition()]);

try
{
    var load = new List<double>();
    var plan = new List<double>();
    var json = new List<double>();
    var render = new List<double>();
    ClusterPlan? lastPlan = null;
    long files = 0, bytes = 0;
    var secrets = (ClusterSecrets?)null;
    var secretTime = Stopwatch.StartNew();
    for (var round = 0; round <= Rounds; round++)
    {
        var clock = Stopwatch.StartNew();
        var result = ClusterConfigLoader.Load(path, providers);
        var spec = result.Spec ?? throw new InvalidOperationException(string.Join("\n", result.FormatErrors()));
        var loaded = clock.Elapsed.TotalMilliseconds;

        clock.Restart();
        var planned = Planner.Plan(spec, FlavorCatalog.FromProviders(spec, providers));
        var planning = clock.Elapsed.TotalMilliseconds;

        clock.Restart();
        var text = PlanJson.Serialize(planned);
        var serialising = clock.Elapsed.TotalMilliseconds;

        if (secrets is null)
        {
            secretTime.Restart();
            secrets = new SecretGenerator(SystemRandomSource.Instance).Generate(planned);
            secretTime.Stop();
        }

        clock.Restart();
        var renderer = new ClusterRenderer(planned, secrets, ClusterFacts.None, _ => RenderOptions.LocalContainer);
        files = 0;
        bytes = 0;
        foreach (var node in renderer.RenderAll())
        {
            files += node.Bundle.Files.Length + 1;
            bytes += node.CloudInitUserData.Length;
            foreach (var file in node.Bundle.Files)
            {
                bytes += file.Content.Length;
            }
        }
        var rendering = clock.Elapsed.TotalMilliseconds;
        lastPlan = planned;
        if (round == 0)
        {
            continue; // warm-up: JIT and first-use costs
        }
        load.Add(loaded);
        plan.Add(planning);
        json.Add(serialising + 0 * text.Length);
        render.Add(rendering);
    }

    static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
    var total = Median(plan) + Median(json) + Median(render);
    Console.WriteLine($"cluster: {sites} sites, {lastPlan!.Nodes.Length} nodes ({lastPlan.Nodes.Count(n => n.OnDemand)} on demand), {lastPlan.Overlay.Links.Length} VPN links");
    Console.WriteLine($"median of {Rounds} runs after one warm-up, {Environment.ProcessorCount} CPU(s):");
    Console.WriteLine($"  load + validate cluster.yaml   {Median(load),8:F1} ms");
    Console.WriteLine($"  plan                           {Median(plan),8:F1} ms");
    Console.WriteLine($"  plan JSON                      {Median(json),8:F1} ms");
    Console.WriteLine($"  render every node              {Median(render),8:F1} ms  ({files} files, {bytes / 1_000_000.0:F0} MB of text, shared files counted per node)");
    Console.WriteLine($"  plan + JSON + render           {total,8:F1} ms  (goal: under 1000 ms) {(total < 1000 ? "OK" : "TOO SLOW")}");
    Console.WriteLine($"  secrets, once per cluster      {secretTime.Elapsed.TotalMilliseconds,8:F1} ms  ({secrets!.HostKeys.Count} host keys, {secrets.WireGuard.Count} WireGuard pairs)");
    return total < 1000 ? 0 : 1;
}
finally
{
    File.Delete(path);
}
