using System.CommandLine;
using System.Globalization;
using GridSpan.Common;
using GridSpan.Providers.Local;
using GridSpan.Providers.Local.Cloud;
using GridSpan.Providers.Local.Images;
using Spectre.Console;

namespace GridSpan.Cli.Commands;

/// <summary>`gridspan localcloud ...`: the local cloud's own administration (image, status, down, quota, API server).</summary>
public static class LocalCloudCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("localcloud", "Administer the local cloud: the sites and nodes GridSpan runs on this machine.");
        command.Subcommands.Add(Image(context));
        command.Subcommands.Add(Status(context));
        command.Subcommands.Add(Down(context));
        command.Subcommands.Add(Quota(context));
        command.Subcommands.Add(Api(context));
        command.Subcommands.Add(Connect(context));
        return command;
    }

    private static LocalCloud Open(CliContext context) =>
        new(LocalCloudEnvironment.Options(context.Environment), context.Runner, message => context.Error.MarkupLine($"[grey]{Markup.Escape(message)}[/]"));

    private static Command Image(CliContext context)
    {
        var image = new Command("image", "Base images of the local cloud's nodes.");
        var build = new Command("build", "Build the debian-12 base image (debootstrap, about 2 minutes) unless the cached one is current.");
        var force = new Option<bool>("--force") { Description = "Rebuild even when the cached image is current." };
        build.Options.Add(force);
        build.SetAction((parse, cancellationToken) => CommandAction.RunAsync(context, async token =>
        {
            var cloud = Open(context);
            await cloud.PreflightAsync(token).ConfigureAwait(false);
            var recipe = ImageRecipe.Debian12;
            var result = await cloud.Images.EnsureBuiltAsync(recipe, line => context.Error.MarkupLine($"[grey]  {Markup.Escape(line)}[/]"),
                parse.GetValue(force), token).ConfigureAwait(false);
            var size = (result.SizeBytes / 1024.0 / 1024.0).ToString("0", CultureInfo.InvariantCulture);
            context.Out.MarkupLine(result.Built
                ? $"built image {recipe.Name} ({result.Hash}) in {result.Elapsed.TotalSeconds:0} s, {size} MiB: {Markup.Escape(result.RootFileSystem)}"
                : $"image {recipe.Name} ({result.Hash}) is current, {size} MiB: {Markup.Escape(result.RootFileSystem)}");
            return ExitCode.Success;
        }, cancellationToken));
        image.Subcommands.Add(build);
        return image;
    }

    private static Command Status(CliContext context)
    {
        var status = new Command("status", "Show what the local cloud runs: sites, servers, addresses, memory.");
        status.SetAction((_, cancellationToken) => CommandAction.RunAsync(context, async token =>
        {
            var cloud = Open(context);
            var state = await cloud.Store.ReadAsync(token).ConfigureAwait(false);
            var images = ImageRecipe.Debian12;
            context.Out.WriteLine($"image {images.Name}: {(cloud.Images.IsBuilt(images) ? "built" : "not built (gridspan localcloud image build)")}");
            context.Out.WriteLine(state.Api is { } api
                ? $"API: http://{api.Address}:{api.Port}/ (pid {api.Pid}, token in {cloud.TokenPath}), reachable from the sites only"
                : "API: not running (starts with the first network)");
            if (state.Networks.Count == 0)
            {
                context.Out.WriteLine("no sites");
                return ExitCode.Success;
            }
            var sites = new Table().AddColumns("site", "cluster", "subnet", "MTU", "router", "servers");
            foreach (var network in state.Networks)
            {
                sites.AddRow(Markup.Escape(network.Name), Markup.Escape(network.ClusterId), network.Cidr, network.Mtu.ToString(CultureInfo.InvariantCulture),
                    network.RouterAddress, state.Servers.Count(s => s.NetworkId == network.Id).ToString(CultureInfo.InvariantCulture));
            }
            context.Out.Write(sites);
            var servers = new Table().AddColumns("server", "cluster", "site", "status", "address", "floating", "flavor", "memory");
            foreach (var server in state.Servers.OrderBy(s => s.Name, StringComparer.Ordinal))
            {
                var port = state.Ports.FirstOrDefault(p => p.Id == server.PortId);
                var floating = state.FloatingIps.FirstOrDefault(f => f.PortId == server.PortId);
                var current = await cloud.GetServerAsync(server.Id, token).ConfigureAwait(false) ?? server;
                servers.AddRow(Markup.Escape(server.Name), Markup.Escape(server.ClusterId),
                    Markup.Escape(state.Networks.FirstOrDefault(n => n.Id == server.NetworkId)?.Name ?? "?"), current.Status,
                    port?.Address ?? "", floating?.Address ?? "", server.Flavor, MemoryOf(cloud, server.Id));
            }
            context.Out.Write(servers);
            return ExitCode.Success;
        }, cancellationToken));
        return status;
    }

    private static string MemoryOf(LocalCloud cloud, string serverId)
    {
        var path = Path.Combine("/sys/fs/cgroup/memory", cloud.Names.NodeCgroup(serverId), "memory.usage_in_bytes");
        if (!File.Exists(path))
        {
            path = Path.Combine("/sys/fs/cgroup", cloud.Names.NodeCgroup(serverId), "memory.current");
        }
        return File.Exists(path) && long.TryParse(File.ReadAllText(path).Trim(), CultureInfo.InvariantCulture, out var bytes)
            ? $"{bytes / 1024.0 / 1024.0:0} MiB"
            : "?";
    }

    private static Command Down(CliContext context)
    {
        var down = new Command("down", "Remove everything the local cloud created: servers, mounts, namespaces, bridges, cgroups, processes.");
        down.SetAction((_, cancellationToken) => CommandAction.RunAsync(context, async token =>
        {
            var report = await Open(context).DownAsync(token).ConfigureAwait(false);
            context.Out.WriteLine($"removed {report.Servers} servers, {report.Networks} sites{(report.ApiServer ? " and the API server" : "")}");
            return ExitCode.Success;
        }, cancellationToken));
        return down;
    }

    private static Command Quota(CliContext context)
    {
        var quota = new Command("quota", "Limit how many servers a cluster or a site may have (creates beyond fail with a quota error).");
        var perCluster = new Option<int?>("--servers-per-cluster") { Description = "Maximum servers per cluster; 0 removes the limit." };
        var perSite = new Option<int?>("--servers-per-site") { Description = "Maximum servers per site (network); 0 removes the limit." };
        quota.Options.Add(perCluster);
        quota.Options.Add(perSite);
        quota.SetAction((parse, cancellationToken) => CommandAction.RunAsync(context, async token =>
        {
            var cloud = Open(context);
            var current = (await cloud.Store.ReadAsync(token).ConfigureAwait(false)).Quota;
            static int? Limit(int? given, int? old) => given is null ? old : given == 0 ? null : given;
            var updated = await cloud.SetQuotaAsync(new QuotaRecord(Limit(parse.GetValue(perCluster), current.MaxServersPerCluster),
                Limit(parse.GetValue(perSite), current.MaxServersPerNetwork)), token).ConfigureAwait(false);
            context.Out.WriteLine($"servers per cluster: {updated.MaxServersPerCluster?.ToString(CultureInfo.InvariantCulture) ?? "unlimited"}, " +
                                  $"per site: {updated.MaxServersPerNetwork?.ToString(CultureInfo.InvariantCulture) ?? "unlimited"}");
            return ExitCode.Success;
        }, cancellationToken));
        return quota;
    }

    private static Command Connect(CliContext context)
    {
        var connect = new Command("connect",
            "Relay standard input and output to ADDRESS:PORT on the local cloud's public segment (an SSH ProxyCommand: " +
            "ssh -o ProxyCommand='gridspan localcloud connect %h %p' root@FLOATING-ADDRESS).");
        var address = new Argument<string>("address") { Description = "A floating address (or the API address)." };
        var port = new Argument<int>("port") { Description = "The TCP port." };
        connect.Arguments.Add(address);
        connect.Arguments.Add(port);
        connect.SetAction((parse, cancellationToken) => CommandAction.RunAsync(context, async token =>
        {
            var options = LocalCloudEnvironment.Options(context.Environment);
            if (!System.Net.IPAddress.TryParse(parse.GetValue(address), out var target) || !options.PublicSegment.Contains(target))
            {
                throw GridSpanException.Failed($"'{parse.GetValue(address)}' is not an address on the local cloud's public segment {options.PublicSegment}",
                    "connect to a floating address (gridspan localcloud status shows them)");
            }
            await Providers.Local.Host.NetnsRelay.RunAsync(
                Providers.Local.Cloud.Names.NetnsPath(new Providers.Local.Cloud.Names(options.Prefix).World),
                new System.Net.IPEndPoint(target, parse.GetValue(port)), token).ConfigureAwait(false);
            return ExitCode.Success;
        }, cancellationToken));
        return connect;
    }

    private static Command Api(CliContext context)
    {
        var api = new Command("api", "The local cloud's API server (started by the local cloud itself).") { Hidden = true };
        var serve = new Command("serve", "Serve the API on the public segment until stopped.");
        serve.SetAction((_, cancellationToken) => CommandAction.RunAsync(context, async token =>
        {
            var options = LocalCloudEnvironment.Options(context.Environment);
            var cloud = new LocalCloud(options, context.Runner);
            await Providers.Local.Api.ApiServer.RunAsync(cloud, token).ConfigureAwait(false);
            return ExitCode.Success;
        }, cancellationToken));
        api.Subcommands.Add(serve);
        return api;
    }
}
