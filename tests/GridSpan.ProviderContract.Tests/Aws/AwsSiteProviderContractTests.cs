using System.Text.Json;
using GridSpan.Common;
using GridSpan.Providers.Aws;
using GridSpan.Providers.Aws.Settings;
using GridSpan.Provision;

namespace GridSpan.ProviderContract.Tests.Aws;

/// <summary>
/// The provider contract against moto_server (an EC2 emulator) through the official SDK. moto starts no
/// virtual machine: its instances are "running" at once, so these tests prove the API calls and their order,
/// not that a node boots.
/// </summary>
public sealed class AwsSiteProviderContractTests(MotoFixture moto) : SiteProviderContract, IClassFixture<MotoFixture>
{
    protected override ContractSite Site { get; } = new(
        "aws-contract",
        "ubuntu/images/hvm-ssd/ubuntu-xenial-16.04-amd64-server-*",
        "t3.micro",
        LimitedServers: 0,
        RefusalMessage: "",
        ActiveTimeout: TimeSpan.FromSeconds(30));

    protected override Task<ISiteProvider> ConnectAsync(CancellationToken cancellationToken) =>
        Task.FromResult<ISiteProvider>(AwsSiteProvider.Connect(Site.Name,
            new AwsSiteSettings("us-east-1", null, null, null, null, null, ["099720109477"]), moto.Server.Endpoint));

    protected override Task<ISiteProvider> ConnectLimitedAsync(CancellationToken cancellationToken) =>
        throw new NotSupportedException(QuotaUnsupported);

    private const string QuotaUnsupported =
        "moto enforces no instance or vCPU quota, so no create can be refused for quota; the mapping of AWS's limit and capacity errors is unit-tested in GridSpan.Providers.Aws.Tests";

    [Fact(Skip = QuotaUnsupported)]
    public override Task A_create_the_cloud_refuses_for_quota_surfaces_the_clouds_own_message() => Task.CompletedTask;

    /// <summary>Read with the `aws` CLI against the same moto, as an operator would check.</summary>
    protected override async Task<IReadOnlyCollection<string>> IngressRulesAsync(string groupId, CancellationToken cancellationToken)
    {
        var listed = await new ProcessCommandRunner().RunCheckedAsync(
            CommandRequest.Of("aws", "ec2", "describe-security-groups", "--group-ids", groupId, "--output", "json")
                with { Environment = moto.Server.CliEnvironment },
            cancellationToken);
        using var answer = JsonDocument.Parse(listed.StandardOutput);
        var rules = new List<string>();
        foreach (var permission in answer.RootElement.GetProperty("SecurityGroups")[0].GetProperty("IpPermissions").EnumerateArray())
        {
            var protocol = permission.GetProperty("IpProtocol").GetString()!;
            int? Port(string name) => permission.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt32() : null;
            foreach (var range in permission.GetProperty("IpRanges").EnumerateArray())
            {
                rules.Add(Describe(protocol == "-1" ? "any" : protocol, Port("FromPort"), Port("ToPort"), range.GetProperty("CidrIp").GetString()!));
            }
        }
        return rules;
    }
}
