using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Amazon.EC2;
using Amazon.EC2.Model;
using GridSpan.Common;
using GridSpan.Config;
using GridSpan.Providers.Aws.Api;
using GridSpan.Providers.Aws.Selection;
using GridSpan.Provision;

namespace GridSpan.Providers.Aws;

public sealed partial class AwsSiteProvider
{
    /// <summary>Instance states from which an instance will not run again.</summary>
    private static readonly HashSet<string> EndedStates = new(StringComparer.Ordinal) { "shutting-down", "terminated" };

    /// <summary>AMI ids of the name patterns looked up so far.</summary>
    private readonly ConcurrentDictionary<string, string> _images = new(StringComparer.Ordinal);

    /// <summary>
    /// RunInstances with the node's ENI as its only interface, the user data base64-encoded, and every tag
    /// (cluster, Name, the request's metadata) on the instance and its volumes. A live instance of the same name
    /// in the cluster is returned as it is; the ClientToken, derived from the request, makes EC2 itself return
    /// the first instance when a create is retried before it is listed.
    /// </summary>
    public async Task<ServerInfo> CreateServerAsync(ServerRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (await FindLiveInstanceAsync(request.ClusterId, request.Name, cancellationToken).ConfigureAwait(false) is { } existing)
        {
            return ToServerInfo(existing);
        }
        var image = await ResolveImageAsync(request.Image, cancellationToken).ConfigureAwait(false);
        var type = FlavorMinimum.Is(request.Flavor)
            ? (await ResolveInstanceTypeAsync(request.Flavor, request.Image, cancellationToken).ConfigureAwait(false)).InstanceType.Value
            : request.Flavor;
        var instance = await RunInstanceAsync(request, image, type, ClientToken(request, null), cancellationToken).ConfigureAwait(false);
        if (EndedStates.Contains(instance.State.Name.Value))
        {
            // The token's instance was terminated since (a node made anew): EC2 answers with it for a while, so ask with a new token.
            instance = await RunInstanceAsync(request, image, type, ClientToken(request, instance.InstanceId), cancellationToken).ConfigureAwait(false);
        }
        return ToServerInfo(instance);
    }

    public async Task<ServerInfo?> GetServerAsync(string serverId, CancellationToken cancellationToken) =>
        await FindInstanceAsync(serverId, cancellationToken).ConfigureAwait(false) is { } instance ? ServerOf(instance) : null;

    /// <summary>
    /// The instance as a server, or null once it is terminated, unless EC2 itself ended it at launch (a state reason
    /// `Server.…`, such as Server.InsufficientInstanceCapacity): that is a server that failed, with EC2's reason, which
    /// a resume reports as the node's reason instead of "disappeared".
    /// </summary>
    internal static ServerInfo? ServerOf(Instance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var endedByEc2 = instance.StateReason?.Code?.StartsWith("Server.", StringComparison.Ordinal) == true;
        return instance.State.Name == InstanceStateName.Terminated && !endedByEc2 ? null : ToServerInfo(instance);
    }

    /// <summary>The AMI id an image setting names in this site (an id as it is, a name pattern resolved once).</summary>
    public async Task<string> ResolveImageAsync(string image, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (AmiSelector.IsId(image))
        {
            return image;
        }
        if (!_images.TryGetValue(image, out var id))
        {
            id = await FindNewestImageAsync(image, cancellationToken).ConfigureAwait(false);
            _images[image] = id;
        }
        return id;
    }

    private async Task<string> FindNewestImageAsync(string pattern, CancellationToken cancellationToken)
    {
        var owners = _settings.ImageOwners.IsDefaultOrEmpty ? Settings.AwsSiteSettings.DefaultImageOwners : _settings.ImageOwners;
        var images = await _call.Ec2Async($"look up the images named '{pattern}'", token =>
            _ec2.DescribeImagesAsync(new DescribeImagesRequest { Owners = [.. owners], Filters = [new Filter("name", [pattern])] }, token),
            cancellationToken).ConfigureAwait(false);
        return AmiSelector.Newest(images.Images)?.ImageId ?? throw GridSpanException.Provider(Site,
            $"no available AMI of {string.Join(", ", owners)} in {_settings.Region} is named '{pattern}'",
            "set the image to an AMI id of the region, or set `imageOwners:` to the account that publishes the image (e.g. 136693071363 for Debian)");
    }

    private async Task<Instance> RunInstanceAsync(ServerRequest request, string imageId, string instanceType, string clientToken, CancellationToken cancellationToken)
    {
        var tags = request.Metadata ?? ImmutableSortedDictionary<string, string>.Empty;
        var reservation = (await _call.Ec2Async($"create the instance {request.Name} ({instanceType})", token =>
            _ec2.RunInstancesAsync(new RunInstancesRequest
            {
                ImageId = imageId,
                InstanceType = instanceType,
                MinCount = 1,
                MaxCount = 1,
                KeyName = UniqueName(request.ClusterId, request.KeyPairName),
                UserData = request.UserData is null ? null : Convert.ToBase64String(Encoding.UTF8.GetBytes(request.UserData)),
                NetworkInterfaces = [new InstanceNetworkInterfaceSpecification { DeviceIndex = 0, NetworkInterfaceId = request.PortId }],
                ClientToken = clientToken,
                TagSpecifications =
                [
                    .. AwsTags.At(ResourceType.Instance, request.ClusterId, request.Name, tags),
                    .. AwsTags.At(ResourceType.Volume, request.ClusterId, request.Name, tags),
                ],
            }, token), cancellationToken).ConfigureAwait(false)).Reservation;
        return reservation.Instances?.FirstOrDefault() ?? throw GridSpanException.Provider(Site,
            $"EC2 accepted the instance {request.Name} but returned none", "run `gridspan create` again; it finds the instance if EC2 made it");
    }

    /// <summary>
    /// EC2's idempotency token for a create (at most 64 ASCII characters): the same for the same cluster, node,
    /// port and image, so a retried call returns the instance the first one made instead of making a second.
    /// <paramref name="replaces"/> is the terminated instance an earlier token stands for, when there is one.
    /// </summary>
    internal static string ClientToken(ServerRequest request, string? replaces)
    {
        ArgumentNullException.ThrowIfNull(request);
        var identity = string.Join('\n', request.ClusterId, request.Name, request.PortId, request.Image, request.Flavor, replaces ?? "");
        return "gridspan-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(identity)))[..48];
    }

    private async Task<Instance?> FindLiveInstanceAsync(string cluster, string name, CancellationToken cancellationToken) =>
        (await _call.Ec2Async($"list the instances of cluster {cluster}", token =>
            _ec2.DescribeInstancesAsync(new DescribeInstancesRequest
            {
                Filters = [.. AwsTags.Of(cluster, name), new Filter("instance-state-name", ["pending", "running"])],
            }, token), cancellationToken).ConfigureAwait(false))
        .Reservations?.SelectMany(r => r.Instances ?? []).FirstOrDefault();

    private async Task<Instance?> FindInstanceAsync(string instanceId, CancellationToken cancellationToken) =>
        (await _call.Ec2UnlessGoneAsync($"look up the instance {instanceId}", token =>
            _ec2.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = [instanceId] }, token), cancellationToken).ConfigureAwait(false))
        ?.Reservations?.SelectMany(r => r.Instances ?? []).FirstOrDefault();

    /// <summary>pending → building, running → active; stopping, stopped and shutting down → error (GridSpan never stops instances).</summary>
    private static ServerInfo ToServerInfo(Instance instance)
    {
        var state = instance.State.Name.Value;
        var addresses = new[] { instance.PrivateIpAddress, instance.PublicIpAddress }
            .Concat((instance.NetworkInterfaces ?? []).SelectMany(n => (n.PrivateIpAddresses ?? []).Select(p => p.PrivateIpAddress)))
            .Where(a => !string.IsNullOrEmpty(a))
            .Distinct(StringComparer.Ordinal)
            .Select(IPAddress.Parse);
        return new ServerInfo(
            instance.InstanceId,
            AwsTags.NameOf(instance.Tags, instance.InstanceId),
            state switch
            {
                "running" => ServerStatus.Active,
                "pending" => ServerStatus.Building,
                _ => ServerStatus.Error,
            },
            [.. addresses],
            [],
            state is "running" or "pending" ? null : $"the instance is {state}: {instance.StateReason?.Message ?? instance.StateTransitionReason ?? "no reason given"}");
    }
}
