using System.Globalization;
using System.Text;
using GridSpan.Providers.OpenStack.Clouds;

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
        var text = new StringBuilder();
        text.Append("# Written by GridSpan for the master of cluster ").Append(clusterId)
            .Append(": an application credential of the project, revoked by `gridspan terminate`.\n");
        text.Append("clouds:\n");
        text.Append("  ").Append(Quote(site.Name)).Append(":\n");
        text.Append("    auth_type: v3applicationcredential\n");
        text.Append("    identity_api_version: 3\n");
        text.Append("    auth:\n");
        text.Append("      auth_url: ").Append(Quote(site.AuthUrl.ToString())).Append('\n');
        text.Append("      application_credential_id: ").Append(Quote(credentialId)).Append('\n');
        text.Append("      application_credential_secret: ").Append(Quote(credentialSecret)).Append('\n');
        if (site.RegionName is { } region)
        {
            text.Append("    region_name: ").Append(Quote(region)).Append('\n');
        }
        text.Append("    interface: ").Append(site.Interface).Append('\n');
        if (!site.VerifyTls)
        {
            text.Append("    verify: false\n");
        }
        return text.ToString();
    }

    /// <summary>A YAML double-quoted scalar: any text, read back exactly.</summary>
    private static string Quote(string value)
    {
        var quoted = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            quoted.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                _ when char.IsControl(c) => "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture),
                _ => c.ToString(),
            });
        }
        return quoted.Append('"').ToString();
    }
}
