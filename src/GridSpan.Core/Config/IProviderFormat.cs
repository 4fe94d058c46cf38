using GridSpan.Config.Shapes;

namespace GridSpan.Config;

/// <summary>
/// What a kind of site (local, openstack, ...) lets cluster.yaml say, and what it knows about its
/// flavors and images without asking a cloud: all that validating and planning need of a provider.
/// The provider's full definition (Provision.IProviderDefinition) adds how to reach its cloud.
/// </summary>
public interface IProviderFormat
{
    /// <summary>The value of `provider:` in cluster.yaml, and the key of the provider's own section.</summary>
    string Name { get; }

    /// <summary>One line for `--help` and the JSON Schema.</summary>
    string Description { get; }

    /// <summary>The provider's section, for validation and the JSON Schema.</summary>
    ObjectShape SettingsShape { get; }

    /// <summary>
    /// Builds the site's settings from its section (null when the user wrote none), adding a
    /// <see cref="ConfigError"/> for every semantic problem the shape cannot express.
    /// </summary>
    ProviderSiteSettings ReadSettings(IConfigSection? section, ICollection<ConfigError> errors);

    /// <summary>
    /// Ranges this provider's sites use for themselves (the local cloud's public segment), besides
    /// <see cref="ReservedRanges.Everywhere"/>: no site subnet or overlay may overlap them.
    /// </summary>
    System.Collections.Immutable.ImmutableArray<(System.Net.IPNetwork Range, string Meaning)> ReservedRanges => [];

    /// <summary>
    /// Why a site of this provider cannot have <paramref name="flavor"/>, when the provider can tell without
    /// asking a cloud (a flavor it does not offer, a minimum it cannot read); null when it may.
    /// </summary>
    ValueProblem? CheckFlavor(string flavor) => null;

    /// <summary>Why a site of this provider cannot boot <paramref name="image"/>, when the provider can tell without asking a cloud; null when it may.</summary>
    ValueProblem? CheckImage(string image) => null;

    /// <summary>The size of a flavor when the provider knows it without asking a cloud; null otherwise.</summary>
    FlavorSize? KnownFlavor(ProviderSiteSettings settings, string flavor);
}

/// <summary>What is wrong with a value a provider was given, and how to fix it (a config error without its position).</summary>
public sealed record ValueProblem(string Problem, string Fix);

/// <param name="Cpus">Virtual CPUs.</param>
/// <param name="MemoryMiB">Memory in MiB.</param>
public sealed record FlavorSize(int Cpus, long MemoryMiB);
