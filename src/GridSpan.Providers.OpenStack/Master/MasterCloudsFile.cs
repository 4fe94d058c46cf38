using System.Text;
using GridSpan.Common.Quoting;
using GridSpan.Providers.OpenStack.Clouds;
using YamlDotNet.RepresentationModel;

namespace GridSpan.Providers.OpenStack.Master;

/// <summary>
/// The clouds.yaml the cluster's master gets for one cloud entry: the same entry name, endpoint,
/// region and interface as the workstation's, authenticated by the cluster's application credential.
/// One file per entry under <see cref="CloudsFileLocator.MasterDirectory"/>, so sites of different clouds never share a file;
/// <see cref="CloudsFileLocator"/> looks there, so the master's copy of cluster.yaml resolves as it is.
/// The text depends only on its inputs: the same credential gives byte-identical files.
/// </summary>
internal static class MasterCloudsFile
{
    /// <summary>Where the entry's file lives in <paramref name="directory"/>; names are kept to characters safe in a file name.</summary>
    public static string PathFor(string cloudName, string directory = CloudsFileLocator.MasterDirectory)
    {
        var safe = new StringBuilder(cloudName.Length);
        foreach (var c in cloudName)
        {
            safe.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_');
        }
        return Path.Combine(directory, safe + ".yaml");
    }

    public static string Render(CloudConfig site, string clusterId, string credentialId, string credentialSecret)
    {
        ArgumentNullException.ThrowIfNull(site);
        var entry = YamlWriter.Map(
            ("auth_type", YamlWriter.Text("v3applicationcredential")),
            ("identity_api_version", new YamlScalarNode("3")),
            ("auth", YamlWriter.Map(
                ("auth_url", YamlWriter.Text(site.AuthUrl.ToString())),
                ("application_credential_id", YamlWriter.Text(credentialId)),
                ("application_credential_secret", YamlWriter.Text(credentialSecret)))),
            ("region_name", site.RegionName is { } region ? YamlWriter.Text(region) : null),
            ("interface", YamlWriter.Text(site.Interface)),
            ("verify", site.VerifyTls ? null : YamlWriter.Literal(false)));
        return YamlWriter.Write(
            YamlWriter.Map(("clouds", YamlWriter.Map((site.Name, entry)))),
            $"# Written by GridSpan for the master of cluster {clusterId}: an application credential of the project, revoked by `gridspan terminate`.");
    }
}
