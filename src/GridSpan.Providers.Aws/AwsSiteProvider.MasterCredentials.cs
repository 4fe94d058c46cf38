using System.Text.Json.Nodes;
using System.Xml.Linq;
using Amazon.EC2.Model;
using Amazon.Runtime;
using GridSpan.Common;
using GridSpan.Providers.Aws.Api;
using GridSpan.Providers.Aws.Iam;

namespace GridSpan.Providers.Aws;

public sealed partial class AwsSiteProvider
{
    /// <summary>How long an association is retried while EC2 does not know a new instance profile yet (IAM is eventually consistent).</summary>
    public TimeSpan ProfilePropagationTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Gives the master its AWS permissions the AWS way: an IAM role that only EC2 may assume, named after the
    /// cluster (<see cref="MasterPolicy"/>), with this site's policy in it, and an instance profile of the same name
    /// attached to the master's instance, whose SDK then finds the role's credentials itself. No secret leaves this
    /// machine: the master gets only <see cref="AwsEndpoint.MasterMarker"/>, naming the role, so it ignores the site's
    /// `profile:` (a profile of this machine). Everything is made only when missing, so a repeated call changes nothing.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, string>> MasterCredentialsAsync(
        string clusterId, IReadOnlyDictionary<string, string> issuedBefore, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(clusterId);
        var name = MasterPolicy.RoleName(clusterId);
        var master = await FindMasterInstanceAsync(clusterId, cancellationToken).ConfigureAwait(false) ?? throw GridSpanException.Provider(Site,
            $"found no running master instance of cluster {clusterId} in {_settings.Region}, so the master cannot be given an instance profile to create " +
            "this site's on-demand nodes with",
            $"put the master in an AWS site of region {_settings.Region}, or give this site's workers no `onDemand` count: a master in another region " +
            "or cloud is not supported yet");
        var roleArn = await EnsureRoleAsync(clusterId, name, cancellationToken).ConfigureAwait(false);
        await _call.IamAsync($"put the policy of site {Site} into the role {name}", token => _iam.CallAsync("PutRolePolicy",
        [
            new("RoleName", name),
            new("PolicyName", MasterPolicy.SitePolicyName(Site)),
            new("PolicyDocument", MasterPolicy.ForSite(clusterId, _settings.Region, _settings.Vpc, _settings.SubnetId)),
        ], token), cancellationToken).ConfigureAwait(false);
        var profileArn = await EnsureInstanceProfileAsync(clusterId, name, cancellationToken).ConfigureAwait(false);
        await AttachInstanceProfileAsync(master, name, profileArn, cancellationToken).ConfigureAwait(false);
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [AwsEndpoint.MasterMarker] = new JsonObject { ["cluster"] = clusterId, ["role"] = roleArn, ["instanceProfile"] = profileArn }.ToJsonString() + "\n",
        };
    }

    /// <summary>
    /// Removes the cluster's instance profile and role with every policy in it; what is missing (a create that stopped
    /// halfway, a second site of the cluster that removed it already) is skipped.
    /// </summary>
    public async Task RevokeMasterCredentialsAsync(string clusterId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(clusterId);
        var name = MasterPolicy.RoleName(clusterId);
        if (await GetIamAsync("GetInstanceProfile", "InstanceProfileName", name, $"look up the instance profile {name}", cancellationToken).ConfigureAwait(false) is { } profile)
        {
            foreach (var role in Members(profile, "Roles").Select(r => IamClient.Child(r, "RoleName")).OfType<string>())
            {
                await _call.IamUnlessGoneAsync($"take the role {role} out of the instance profile {name}", token => _iam.CallAsync("RemoveRoleFromInstanceProfile",
                    [new("InstanceProfileName", name), new("RoleName", role)], token), cancellationToken).ConfigureAwait(false);
            }
            await _call.IamUnlessGoneAsync($"delete the instance profile {name}", token => _iam.CallAsync("DeleteInstanceProfile",
                [new("InstanceProfileName", name)], token), cancellationToken).ConfigureAwait(false);
        }
        var policies = await _call.IamUnlessGoneAsync($"list the policies of the role {name}", token => _iam.CallAsync("ListRolePolicies",
            [new("RoleName", name)], token), cancellationToken).ConfigureAwait(false);
        if (policies is null)
        {
            return;
        }
        foreach (var policy in Members(policies, "PolicyNames").Select(p => p.Value))
        {
            await _call.IamUnlessGoneAsync($"delete the policy {policy} of the role {name}", token => _iam.CallAsync("DeleteRolePolicy",
                [new("RoleName", name), new("PolicyName", policy)], token), cancellationToken).ConfigureAwait(false);
        }
        await _call.IamUnlessGoneAsync($"delete the role {name}", token => _iam.CallAsync("DeleteRole", [new("RoleName", name)], token), cancellationToken)
            .ConfigureAwait(false);
    }

    private async Task<Instance?> FindMasterInstanceAsync(string clusterId, CancellationToken cancellationToken) =>
        (await _call.Ec2Async($"look for the master instance of cluster {clusterId}", token =>
            _ec2.DescribeInstancesAsync(new DescribeInstancesRequest
            {
                Filters = [.. AwsTags.Of(clusterId), new Filter("tag:gridspan-role", ["master"]), new Filter("instance-state-name", ["pending", "running"])],
            }, token), cancellationToken).ConfigureAwait(false))
        .Reservations?.SelectMany(r => r.Instances ?? []).FirstOrDefault();

    /// <returns>The role's ARN.</returns>
    private async Task<string> EnsureRoleAsync(string clusterId, string name, CancellationToken cancellationToken)
    {
        var role = await GetIamAsync("GetRole", "RoleName", name, $"look up the role {name}", cancellationToken).ConfigureAwait(false)
            ?? await CreateUnlessExistsAsync("CreateRole", $"create the role {name}",
            [
                new("RoleName", name),
                new("Path", MasterPolicy.Path),
                new("AssumeRolePolicyDocument", MasterPolicy.Trust),
                new("Description", $"The master of GridSpan cluster {clusterId} creates and removes the cluster's on-demand nodes with it; `gridspan terminate` removes it."),
                .. ClusterTag(clusterId),
            ], () => GetIamAsync("GetRole", "RoleName", name, $"look up the role {name}", cancellationToken), cancellationToken).ConfigureAwait(false);
        return IamClient.Child(role, "Arn") ?? throw GridSpanException.Provider(Site, $"IAM returned the role {name} without its ARN");
    }

    /// <returns>The instance profile's ARN; the profile holds the role.</returns>
    private async Task<string> EnsureInstanceProfileAsync(string clusterId, string name, CancellationToken cancellationToken)
    {
        var profile = await GetIamAsync("GetInstanceProfile", "InstanceProfileName", name, $"look up the instance profile {name}", cancellationToken).ConfigureAwait(false)
            ?? await CreateUnlessExistsAsync("CreateInstanceProfile", $"create the instance profile {name}",
                [new("InstanceProfileName", name), new("Path", MasterPolicy.Path), .. ClusterTag(clusterId)],
                () => GetIamAsync("GetInstanceProfile", "InstanceProfileName", name, $"look up the instance profile {name}", cancellationToken),
                cancellationToken).ConfigureAwait(false);
        if (!Members(profile, "Roles").Any(r => IamClient.Child(r, "RoleName") == name))
        {
            await _call.IamAsync($"add the role {name} to its instance profile", token => _iam.CallAsync("AddRoleToInstanceProfile",
                [new("InstanceProfileName", name), new("RoleName", name)], token), cancellationToken).ConfigureAwait(false);
        }
        return IamClient.Child(profile, "Arn") ?? throw GridSpanException.Provider(Site, $"IAM returned the instance profile {name} without its ARN");
    }

    /// <summary>Associates the profile with the master, or replaces another profile's association; nothing when it is there already.</summary>
    private async Task AttachInstanceProfileAsync(Instance master, string name, string profileArn, CancellationToken cancellationToken)
    {
        var current = (await _call.Ec2Async($"look up the instance profile of the master {master.InstanceId}", token =>
                _ec2.DescribeIamInstanceProfileAssociationsAsync(new DescribeIamInstanceProfileAssociationsRequest
                {
                    Filters = [new Filter("instance-id", [master.InstanceId]), new Filter("state", ["associating", "associated"])],
                }, token), cancellationToken).ConfigureAwait(false))
            .IamInstanceProfileAssociations?.FirstOrDefault();
        if (current?.IamInstanceProfile?.Arn == profileArn)
        {
            return;
        }
        var what = $"attach the instance profile {name} to the master {master.InstanceId}";
        await Wait.RetryTransientAsync(token => _call.Ec2Async(what, async attempt =>
        {
            try
            {
                if (current is null)
                {
                    await _ec2.AssociateIamInstanceProfileAsync(new AssociateIamInstanceProfileRequest
                    {
                        InstanceId = master.InstanceId,
                        IamInstanceProfile = new IamInstanceProfileSpecification { Arn = profileArn },
                    }, attempt).ConfigureAwait(false);
                }
                else
                {
                    await _ec2.ReplaceIamInstanceProfileAssociationAsync(new ReplaceIamInstanceProfileAssociationRequest
                    {
                        AssociationId = current.AssociationId,
                        IamInstanceProfile = new IamInstanceProfileSpecification { Arn = profileArn },
                    }, attempt).ConfigureAwait(false);
                }
                return true;
            }
            catch (AmazonServiceException failure) when (failure.ErrorCode == "InvalidParameterValue"
                && failure.Message.Contains("instance profile", StringComparison.OrdinalIgnoreCase))
            {
                // A new profile reaches EC2 some seconds after IAM made it.
                throw AwsFaults.Refused(Site, "EC2", what, failure).AsTransient();
            }
        }, token), PollInterval, ProfilePropagationTimeout, Time, cancellationToken).ConfigureAwait(false);
    }

    private Task<XElement?> GetIamAsync(string action, string parameter, string name, string what, CancellationToken cancellationToken) =>
        _call.IamUnlessGoneAsync(what, token => _iam.CallAsync(action, [new(parameter, name)], token), cancellationToken);

    /// <summary>Creates an entity; when another call made it meanwhile (EntityAlreadyExists), returns that one.</summary>
    private async Task<XElement> CreateUnlessExistsAsync(string action, string what, IReadOnlyList<KeyValuePair<string, string>> parameters,
        Func<Task<XElement?>> existing, CancellationToken cancellationToken)
    {
        var created = await _call.IamAsync(what, async token =>
        {
            try
            {
                return await _iam.CallAsync(action, parameters, token).ConfigureAwait(false);
            }
            catch (AmazonServiceException failure) when (failure.ErrorCode == "EntityAlreadyExists")
            {
                return null;
            }
        }, cancellationToken).ConfigureAwait(false);
        return created ?? await existing().ConfigureAwait(false) ?? throw GridSpanException.Provider(Site,
            $"IAM said it has the entity that {what} would make, but then did not find it", "run `gridspan create` again").AsTransient();
    }

    private static KeyValuePair<string, string>[] ClusterTag(string clusterId) =>
        [new("Tags.member.1.Key", AwsTags.ClusterKey), new("Tags.member.1.Value", clusterId)];

    /// <summary>The `&lt;member&gt;` elements of a list in an IAM answer.</summary>
    private static IEnumerable<XElement> Members(XElement answer, string list) =>
        answer.Descendants().Where(e => e.Name.LocalName == list).Take(1).Elements().Where(e => e.Name.LocalName == "member");
}
