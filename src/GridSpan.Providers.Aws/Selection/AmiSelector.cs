using System.Text.RegularExpressions;
using Amazon.EC2.Model;

namespace GridSpan.Providers.Aws.Selection;

/// <summary>
/// An image of an AWS site is an AMI id (`ami-0abc...`), or an AMI name in which `*` and `?` are wildcards
/// (EC2's own name filter, e.g. `debian-12-amd64-*`), looked up among the site's `imageOwners`: the newest
/// available match wins.
/// </summary>
public static partial class AmiSelector
{
    public static bool IsId(string image) => AmiId().IsMatch(image);

    /// <summary>Why <paramref name="image"/> cannot name an AMI, or null when it may.</summary>
    public static string? Problem(string image)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.StartsWith("ami-", StringComparison.Ordinal) && !IsId(image))
        {
            return $"'{image}' starts like an AMI id but is not one (ami- and 8 or 17 hexadecimal digits)";
        }
        return AmiName().IsMatch(image) ? null : $"'{image}' is neither an AMI id nor an AMI name (3 to 128 letters, digits and ()[]./-'@_ with * and ? as wildcards)";
    }

    /// <summary>The newest available image among <paramref name="images"/>, or null when there is none.</summary>
    public static Image? Newest(IEnumerable<Image>? images) =>
        (images ?? []).Where(i => i.State == Amazon.EC2.ImageState.Available)
            .OrderByDescending(i => i.CreationDate, StringComparer.Ordinal)
            .ThenBy(i => i.ImageId, StringComparer.Ordinal)
            .FirstOrDefault();

    [GeneratedRegex("^ami-([0-9a-f]{8}|[0-9a-f]{17})$")]
    private static partial Regex AmiId();

    [GeneratedRegex(@"^[A-Za-z0-9()\[\]./\-'@_*? ]{3,128}$")]
    private static partial Regex AmiName();
}
