using GridSpan.Common;
using GridSpan.Config.Validation;
using GridSpan.Config.Yaml;

namespace GridSpan.Config;

/// <summary>
/// Loads cluster.yaml into a <see cref="ClusterSpec"/>: YAML syntax, then the shapes of
/// <see cref="ClusterFormat"/> (types, unknown and missing keys), then the rules that relate values
/// to each other. Every error of the file is reported at once; bad input never throws.
/// </summary>
public static class ClusterConfigLoader
{
    /// <summary>A cluster of many sites is a few KiB; a larger file is a mistake (or a device such as /dev/zero).</summary>
    public const int MaximumFileBytes = 1024 * 1024;

    /// <param name="path">The file; error locations name it as given.</param>
    /// <param name="homeDirectory">What `~/` in the file's paths (public keys) means: the user's home directory.</param>
    public static ConfigLoadResult Load(string path, IProviderCatalog providers, string homeDirectory)
    {
        var file = UserFile.ReadText(path, MaximumFileBytes);
        if (file.Text is not { } text)
        {
            return new ConfigLoadResult(null,
            [
                new ConfigError(new SourceLocation(path, 1, 1), "(file)", $"cannot read the configuration file: {file.Problem}",
                    "check the path given with -c/--config; examples/two-sites.yaml is a working start"),
            ]);
        }
        var baseDirectory = Path.GetDirectoryName(Path.GetFullPath(path)) ?? Directory.GetCurrentDirectory();
        return LoadText(text, path, baseDirectory, providers, homeDirectory);
    }

    /// <param name="fileName">The name error locations show.</param>
    /// <param name="baseDirectory">Where relative paths in the file (public keys) start.</param>
    /// <param name="homeDirectory">What `~/` in the file's paths (public keys) means: the user's home directory.</param>
    public static ConfigLoadResult LoadText(string text, string fileName, string baseDirectory, IProviderCatalog providers, string homeDirectory)
    {
        var errors = new List<ConfigError>();
        ClusterSpec? spec = null;
        if (YamlTreeReader.Read(text, fileName, errors) is { } tree)
        {
            var rootShape = ClusterFormat.Root(providers);
            if (new ShapeChecker(errors).Check(tree, rootShape, "") is CheckedObject root)
            {
                var shapeErrors = errors.Count > 0;
                var keys = new PublicKeyReader(baseDirectory, homeDirectory, errors);
                spec = new SpecBuilder(providers, keys, errors).Build(new ConfigSection(root), shapeErrors);
            }
        }
        if (errors.Count > 0)
        {
            var ordered = errors
                .Select((error, index) => (error, index))
                .OrderBy(e => e.error.Location.Line)
                .ThenBy(e => e.error.Location.Column)
                .ThenBy(e => e.index)
                .Select(e => e.error);
            return new ConfigLoadResult(null, [.. ordered]);
        }
        return new ConfigLoadResult(spec ?? throw new InvalidOperationException("no spec and no error"), []);
    }
}
