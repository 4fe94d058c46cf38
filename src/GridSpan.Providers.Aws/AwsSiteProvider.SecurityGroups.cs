using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using Amazon.EC2;
using Amazon.EC2.Model;
using GridSpan.Common;
using GridSpan.Plan;
using GridSpan.Providers.Aws.Api;
using GridSpan.Provision;

namespace GridSpan.Providers.Aws;

public sealed partial class AwsSiteProvider
{
    /// <summary>
    /// A security group in the site's VPC (`vpc:`, or the one GridSpan made for the cluster; the account's default
    /// VPC when the cluster has none yet, as EC2 itself does), named `gridspan_&lt;cluster&gt;_&lt;name&gt;` since group
    /// names are unique per VPC. New groups keep EC2's default rule that lets every outbound packet out.
    /// </summary>
    public async Task<SecurityGroupInfo> CreateSecurityGroupAsync(SecurityGroupRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var cluster = request.ClusterId;
        var group = (await _call.Ec2Async($"list the security groups of cluster {cluster}", token =>
                _ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { Filters = AwsTags.Of(cluster, request.Name) }, token), cancellationToken).ConfigureAwait(false))
            .SecurityGroups?.FirstOrDefault();
        string groupId;
        if (group is null)
        {
            var vpcId = _settings.Vpc ?? await ClusterVpcAsync(cluster, cancellationToken).ConfigureAwait(false);
            groupId = (await _call.Ec2Async($"create the security group {request.Name}", token =>
                _ec2.CreateSecurityGroupAsync(new CreateSecurityGroupRequest
                {
                    GroupName = UniqueName(cluster, request.Name),
                    Description = $"GridSpan cluster {cluster}: {request.Name}",
                    VpcId = vpcId,
                    TagSpecifications = AwsTags.At(ResourceType.SecurityGroup, cluster, request.Name),
                }, token), cancellationToken).ConfigureAwait(false)).GroupId;
        }
        else
        {
            groupId = group.GroupId;
        }
        var present = IngressKeys(group?.IpPermissions);
        await AuthorizeAsync(groupId, request.Rules.Where(rule => !present.Contains(Key(rule))), cancellationToken).ConfigureAwait(false);
        return new SecurityGroupInfo(groupId, request.Name);
    }

    public async Task SetSecurityGroupRulesAsync(string groupId, ImmutableArray<SecurityRule> rules, CancellationToken cancellationToken)
    {
        var group = (await _call.Ec2UnlessGoneAsync($"look up the security group {groupId}", token =>
                _ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { GroupIds = [groupId] }, token), cancellationToken).ConfigureAwait(false))
            ?.SecurityGroups?.FirstOrDefault()
            ?? throw GridSpanException.Provider(Site, $"security group {groupId} does not exist", "run `gridspan create` again to recreate it");
        var present = IngressKeys(group.IpPermissions);
        var wanted = rules.Select(Key).ToHashSet(StringComparer.Ordinal);
        // New rules first, so there is never a moment with fewer than both sets allow.
        await AuthorizeAsync(groupId, rules.Where(rule => !present.Contains(Key(rule))), cancellationToken).ConfigureAwait(false);
        var stale = Flatten(group.IpPermissions).Where(p => !wanted.Contains(Key(p))).ToList();
        if (stale.Count > 0)
        {
            await _call.Ec2Async($"remove {stale.Count} inbound rule(s) of the security group {groupId}", token =>
                _ec2.RevokeSecurityGroupIngressAsync(new RevokeSecurityGroupIngressRequest { GroupId = groupId, IpPermissions = stale }, token),
                cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The VPC GridSpan made for the cluster in this site, or null (EC2 then uses the account's default VPC).</summary>
    private async Task<string?> ClusterVpcAsync(string cluster, CancellationToken cancellationToken) =>
        (await _call.Ec2Async($"list the VPCs of cluster {cluster}", token =>
            _ec2.DescribeVpcsAsync(new DescribeVpcsRequest { Filters = AwsTags.Of(cluster) }, token), cancellationToken).ConfigureAwait(false))
        .Vpcs?.FirstOrDefault()?.VpcId;

    private async Task AuthorizeAsync(string groupId, IEnumerable<SecurityRule> rules, CancellationToken cancellationToken)
    {
        var permissions = rules.Select(Permission).ToList();
        if (permissions.Count > 0)
        {
            await _call.Ec2Async($"add {permissions.Count} inbound rule(s) to the security group {groupId}", token =>
                _ec2.AuthorizeSecurityGroupIngressAsync(new AuthorizeSecurityGroupIngressRequest { GroupId = groupId, IpPermissions = permissions }, token),
                cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>One rule as EC2 writes it: protocol "-1" for any, ICMP with every type and code (-1).</summary>
    internal static IpPermission Permission(SecurityRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var source = rule.Source.ToString();
        var permission = new IpPermission
        {
            IpProtocol = rule.Protocol switch
            {
                IpProtocol.Tcp => "tcp",
                IpProtocol.Udp => "udp",
                IpProtocol.Icmp => rule.Source.BaseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? "icmpv6" : "icmp",
                _ => "-1",
            },
            FromPort = rule.Protocol switch { IpProtocol.Tcp or IpProtocol.Udp => rule.PortMin, IpProtocol.Icmp => -1, _ => null },
            ToPort = rule.Protocol switch { IpProtocol.Tcp or IpProtocol.Udp => rule.PortMax, IpProtocol.Icmp => -1, _ => null },
        };
        if (rule.Source.BaseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            permission.Ipv6Ranges = [new Ipv6Range { CidrIpv6 = source }];
        }
        else
        {
            permission.Ipv4Ranges = [new IpRange { CidrIp = source }];
        }
        return permission;
    }

    /// <summary>EC2's permissions split into one per source range, as <see cref="Permission"/> makes them.</summary>
    private static IEnumerable<IpPermission> Flatten(IEnumerable<IpPermission>? permissions) =>
        (permissions ?? []).SelectMany(p =>
            (p.Ipv4Ranges ?? []).Select(r => new IpPermission { IpProtocol = p.IpProtocol, FromPort = p.FromPort, ToPort = p.ToPort, Ipv4Ranges = [new IpRange { CidrIp = r.CidrIp }] })
            .Concat((p.Ipv6Ranges ?? []).Select(r => new IpPermission
            {
                IpProtocol = p.IpProtocol, FromPort = p.FromPort, ToPort = p.ToPort, Ipv6Ranges = [new Ipv6Range { CidrIpv6 = r.CidrIpv6 }],
            })));

    private static HashSet<string> IngressKeys(IEnumerable<IpPermission>? permissions) => Flatten(permissions).Select(Key).ToHashSet(StringComparer.Ordinal);

    private static string Key(SecurityRule rule) => Key(Permission(rule));

    private static string Key(IpPermission permission)
    {
        var ports = permission.IpProtocol is "tcp" or "udp" or "6" or "17"
            ? string.Create(CultureInfo.InvariantCulture, $"{permission.FromPort}-{permission.ToPort}")
            : "";
        var source = permission.Ipv4Ranges?.FirstOrDefault()?.CidrIp ?? permission.Ipv6Ranges?.FirstOrDefault()?.CidrIpv6 ?? "";
        return $"{permission.IpProtocol}|{ports}|{IPNetwork.Parse(source)}";
    }

    /// <summary>A name unique in the region (key pairs) or VPC (security groups) for a cluster's resource.</summary>
    public static string UniqueName(string clusterId, string name)
    {
        var prefix = $"gridspan_{clusterId}_";
        return name.StartsWith(prefix, StringComparison.Ordinal) ? name : prefix + name;
    }
}
