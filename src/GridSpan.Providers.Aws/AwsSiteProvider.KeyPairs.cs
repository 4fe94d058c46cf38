using System.Text;
using Amazon.EC2;
using Amazon.EC2.Model;
using GridSpan.Common;
using GridSpan.Providers.Aws.Api;
using GridSpan.Provision;
using KeyPairInfo = GridSpan.Provision.KeyPairInfo;

namespace GridSpan.Providers.Aws;

public sealed partial class AwsSiteProvider
{
    /// <summary>Imports the public key (id and name are both the key pair's name) as `gridspan_&lt;cluster&gt;_&lt;name&gt;` (key pair names are unique per region), tagged with the cluster.</summary>
    public async Task<KeyPairInfo> CreateKeyPairAsync(KeyPairRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var name = UniqueName(request.ClusterId, request.Name);
        var existing = (await _call.Ec2UnlessGoneAsync($"look up the key pair {name}", token =>
                _ec2.DescribeKeyPairsAsync(new DescribeKeyPairsRequest { KeyNames = [name], IncludePublicKey = true }, token), cancellationToken).ConfigureAwait(false))
            ?.KeyPairs?.FirstOrDefault();
        if (existing is not null)
        {
            if (existing.PublicKey is null || SameKey(existing.PublicKey, request.PublicKey))
            {
                return new KeyPairInfo(name, name);
            }
            throw GridSpanException.Provider(Site, $"a different key pair named '{name}' exists already in {_settings.Region}",
                $"delete it (`aws ec2 delete-key-pair --key-name {name}`) if it is left over from an earlier cluster with this id");
        }
        await _call.Ec2Async($"import the key pair {name}", token =>
            _ec2.ImportKeyPairAsync(new ImportKeyPairRequest
            {
                KeyName = name,
                // The Query API takes the key base64-encoded; this SDK sends the string as it is given.
                PublicKeyMaterial = Convert.ToBase64String(Encoding.UTF8.GetBytes(request.PublicKey.Trim())),
                TagSpecifications = AwsTags.At(ResourceType.KeyPair, request.ClusterId, name),
            }, token), cancellationToken).ConfigureAwait(false);
        return new KeyPairInfo(name, name);
    }

    private static bool SameKey(string a, string b)
    {
        static string Body(string key) => string.Join(' ', key.Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(2));
        return Body(a) == Body(b);
    }
}
