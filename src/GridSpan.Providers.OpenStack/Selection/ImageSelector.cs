using System.Text.RegularExpressions;
using GridSpan.Common;
using GridSpan.Providers.OpenStack.Images;

namespace GridSpan.Providers.OpenStack.Selection;

/// <summary>
/// Chooses an image: by id, by exact name, or by a regular expression written between slashes
/// (`/^debian-12-.*/`) matched against names. Among several matches the newest (by creation) wins.
/// </summary>
public static class ImageSelector
{
    public static bool IsPattern(string wanted) => wanted.Length > 2 && wanted[0] == '/' && wanted[^1] == '/';

    /// <summary>The chosen image, or null when none matches.</summary>
    public static GlanceImage? Select(IReadOnlyCollection<GlanceImage> images, string wanted)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(wanted);
        IEnumerable<GlanceImage> matches;
        if (IsPattern(wanted))
        {
            var pattern = Compile(wanted, out var problem)
                ?? throw GridSpanException.InvalidConfig(problem!, PatternFix);
            matches = images.Where(i => pattern.IsMatch(i.Name));
        }
        else
        {
            var byId = images.FirstOrDefault(i => i.Id == wanted);
            if (byId is not null)
            {
                return byId;
            }
            matches = images.Where(i => i.Name == wanted);
        }
        return matches.OrderByDescending(i => i.CreatedAt).ThenBy(i => i.Id, StringComparer.Ordinal).FirstOrDefault();
    }

    public const string PatternFix = "write a .NET regular expression between slashes without backreferences or lookarounds, e.g. /^debian-12-.*/";

    /// <summary>
    /// The pattern between the slashes, compiled to run in linear time (no backtracking, so no name can make it
    /// hang); null with <paramref name="problem"/> when it does not compile.
    /// </summary>
    public static Regex? Compile(string wanted, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(wanted);
        try
        {
            problem = null;
            return new Regex(wanted[1..^1], RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
        }
        catch (Exception failure) when (failure is ArgumentException or NotSupportedException)
        {
            problem = $"image pattern {wanted} is not a regular expression GridSpan can use: {failure.Message}";
            return null;
        }
    }

    /// <summary>Names of some images, for an error message that helps the user pick one.</summary>
    public static string Sample(IReadOnlyCollection<GlanceImage> images) =>
        images.Count == 0 ? "the project sees no active image"
            : "the project sees " + string.Join(", ", images.Select(i => i.Name).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Take(12))
              + (images.Count > 12 ? ", …" : "");
}
