using System.Text.RegularExpressions;

namespace GridSpan.Providers.Azure.Selection;

/// <summary>Azure VM size names: `Standard_D2s_v5`, `Standard_HB120rs_v3`, `Basic_A1`.</summary>
internal static partial class VmSizeName
{
    public static bool IsValid(string text) => Pattern().IsMatch(text);

    [GeneratedRegex(@"\A(Standard|Basic)_[A-Za-z0-9_-]{1,40}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
