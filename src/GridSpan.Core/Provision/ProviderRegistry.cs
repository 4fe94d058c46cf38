using System.Collections.Immutable;

namespace GridSpan.Provision;

/// <summary>The providers this build of GridSpan knows, by name.</summary>
public sealed class ProviderRegistry : Config.IProviderCatalog
{
    private readonly ImmutableSortedDictionary<string, IProviderDefinition> _providers;

    public ProviderRegistry(IEnumerable<IProviderDefinition> providers)
    {
        _providers = providers.ToImmutableSortedDictionary(p => p.Name, p => p, StringComparer.Ordinal);
    }

    public IEnumerable<IProviderDefinition> All => _providers.Values;

    public IEnumerable<string> Names => _providers.Keys;

    public IProviderDefinition? Find(string name) => _providers.GetValueOrDefault(name);

    IEnumerable<Config.IProviderFormat> Config.IProviderCatalog.All => All;

    Config.IProviderFormat? Config.IProviderCatalog.Find(string name) => Find(name);
}
