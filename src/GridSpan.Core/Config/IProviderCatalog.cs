namespace GridSpan.Config;

/// <summary>The providers a cluster.yaml may name, as validating and planning see them.</summary>
public interface IProviderCatalog
{
    IEnumerable<IProviderFormat> All { get; }

    IEnumerable<string> Names { get; }

    IProviderFormat? Find(string name);
}
