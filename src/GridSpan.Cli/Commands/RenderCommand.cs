using System.CommandLine;
using GridSpan.Common;
using GridSpan.Plan;
using GridSpan.Render;
using GridSpan.Secrets;
using GridSpan.Config;

namespace GridSpan.Cli.Commands;

/// <summary>`gridspan render -c FILE -o DIR`: every node's files, written out for inspection.</summary>
public static class RenderCommand
{
    public static Command Create(CliContext context)
    {
        var config = ClusterInput.ConfigOption("The cluster configuration file (cluster.yaml).");
        var output = new Option<DirectoryInfo>("--output", "-o")
        {
            Description = "Directory to write into: DIR/<node>/bundle.json and DIR/<node>/user-data, and DIR/shared/<path on the node> for files several nodes have alike. " +
                          "It must be new, empty or an earlier render's; symlinks in it are refused.",
            Required = true,
        };
        var state = new Option<DirectoryInfo?>("--state")
        {
            Description = "A directory holding the cluster's secrets (secrets.json, 0600). Used when present, created there otherwise. " +
                          "Without it, a throwaway set of secrets is generated for this render only.",
        };
        var nodes = new Option<string?>("--nodes") { Description = "Render only these nodes (a Slurm hostlist, e.g. demo-hamburg-cpu-[001-002])." };
        var slurm = new Option<string>("--slurm-version") { Description = "The Slurm version on the nodes (22.05, 23.11, ...).", DefaultValueFactory = _ => "22.05" };
        var runtime = new Option<string?>("--runtime")
        {
            Description = "container or vm. Default: container for local sites, vm for the others.",
        };
        runtime.AcceptOnlyFromAmong("container", "vm");
        var command = new Command("render",
            "Write every node's files as GridSpan would install them (slurm.conf, munge key, wg0.conf, dnsmasq, hosts, " +
            "resolv.conf, exports and mount units, routes, SSH keys and certificates): DIR/<node>/bundle.json holds the node's packages, " +
            "services, commands and files (the content of those only it has; where the others are), files several nodes have alike are " +
            "written once into DIR/shared/..., plus DIR/<node>/user-data (cloud-init) and DIR/plan.json. SECRETS ARE WRITTEN TOO, since you " +
            "asked to inspect them: private keys and the munge key go to files readable by you only (0600 or 0400). " +
            "Nothing is contacted; WireGuard endpoints stay empty until `create` knows the public addresses.")
        {
            config,
            output,
            state,
            nodes,
            slurm,
            runtime,
        };
        command.SetAction((parseResult, cancellationToken) => CommandAction.RunAsync(context, async token =>
        {
            if (ClusterInput.Load(context, parseResult.GetValue(config)!.ToString()) is not { } spec)
            {
                return ExitCode.InvalidConfig;
            }
            if (!Version.TryParse(parseResult.GetValue(slurm), out var slurmVersion))
            {
                throw GridSpanException.Failed($"'{parseResult.GetValue(slurm)}' is not a Slurm version", "write it as major.minor, e.g. 22.05 or 23.11");
            }
            var plan = ClusterInput.Plan(context, spec);
            var selected = parseResult.GetValue(nodes) is { } hostlist ? Hostlist.Parse(hostlist) : [.. plan.Nodes.Select(n => n.Name)];
            var directory = parseResult.GetValue(output)!.FullName;
            var writer = BundleWriter.Open(directory);
            // The plan of 10,000 nodes is 5 MB of JSON: written meanwhile, while the secrets load and the nodes render.
            var planFile = Task.Run(() => writer.WriteText("plan.json", PlanJson.Serialize(plan), 0b110_100_100), token);
            var secrets = LoadSecrets(plan, parseResult.GetValue(state)?.FullName, selected);
            var runtimeChoice = parseResult.GetValue(runtime);
            RenderOptions OptionsFor(NodePlan node)
            {
                var runtime = runtimeChoice is null ? plan.Site(node.Site).Runtime : runtimeChoice == "container" ? NodeRuntime.Container : NodeRuntime.VirtualMachine;
                return RenderOptions.Assumed(runtime) with { SlurmVersion = slurmVersion };
            }
            var renderer = new ClusterRenderer(plan, secrets, ClusterFacts.None, OptionsFor);
            // Rendering is pure and writing is mostly waiting for the file system: both run on every core.
            var parallel = new ParallelOptions { CancellationToken = token };
            var known = plan.Nodes.Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
            if (selected.FirstOrDefault(n => !known.Contains(n)) is { } unknown)
            {
                renderer.Render(unknown); // says the cluster has no such node (thrown here, not wrapped by the parallel loop)
            }
            var rendered = new RenderedNode[selected.Length];
            Parallel.For(0, selected.Length, parallel, i => rendered[i] = renderer.Render(selected[i]));
            var shared = SharedFiles.Of(rendered);
            var (files, secretFiles) = writer.WriteShared(shared);
            Parallel.ForEach(rendered, parallel, node =>
            {
                var (written, secret) = writer.Write(node, shared);
                Interlocked.Add(ref files, written);
                Interlocked.Add(ref secretFiles, secret);
            });
            await planFile.ConfigureAwait(false);
            context.Out.Profile.Out.Writer.WriteLine(
                $"rendered {selected.Length} node(s) into {directory}: {files} files, {secretFiles} of them secret (mode 0600 or 0400); " +
                $"the {shared.Count} files several nodes have alike are written once, in {Path.Combine(directory, SharedFiles.DirectoryName)} " +
                "(each node's bundle.json holds its other files, or says where they are)");
            return ExitCode.Success;
        }, cancellationToken));
        return command;
    }

    /// <summary>The saved secrets, completed for nodes added since; without a state directory, throwaway ones for the selected nodes.</summary>
    private static ClusterSecrets LoadSecrets(ClusterPlan plan, string? stateDirectory, IReadOnlyCollection<string> selected)
    {
        var generator = new SecretGenerator(SystemRandomSource.Instance);
        if (stateDirectory is null)
        {
            return generator.GenerateFor(plan, selected.ToHashSet(StringComparer.Ordinal));
        }
        var existing = SecretStore.Load(stateDirectory);
        var secrets = generator.Generate(plan, existing);
        if (existing is null || !secrets.SecretValues().SequenceEqual(existing.SecretValues()))
        {
            SecretStore.Save(stateDirectory, secrets);
        }
        return secrets;
    }
}
