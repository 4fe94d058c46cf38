using System.Text.RegularExpressions;

namespace GridSpan.Config.Validation;

/// <summary>
/// Matches a shape's pattern against a whole value. .NET's `$` also matches before a final "\n",
/// so `^name$` accepts "name\n", which would split a line of slurm.conf or /etc/hosts: `\A` and `\z`
/// anchor at the true start and end.
/// </summary>
internal static class WholeValuePattern
{
    public static bool IsMatch(string pattern, string text) =>
        Regex.IsMatch(text, $@"\A(?:{pattern})\z", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
}
