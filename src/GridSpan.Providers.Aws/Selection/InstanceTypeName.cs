using System.Text.RegularExpressions;

namespace GridSpan.Providers.Aws.Selection;

/// <summary>The form of an EC2 instance type's name: family, generation and attributes, a dot, a size (t3.small, c7gn.16xlarge, u-6tb1.metal).</summary>
public static partial class InstanceTypeName
{
    public static bool IsValid(string name) => Pattern().IsMatch(name);

    [GeneratedRegex("^[a-z][a-z0-9-]{1,15}\\.[a-z0-9-]{1,24}$")]
    private static partial Regex Pattern();
}
