using GridSpan.Config;
using GridSpan.Config.Shapes;
using GridSpan.Plan;

namespace GridSpan.Core.Tests.Plan;

public sealed class FlavorCatalogTests
{
    /// <summary>A provider that knows "small" offline and asks its "cloud" for the rest, recording what it was asked.</summary>
    private sealed class LookingUpProvider : IProviderFormat, IFlavorLookup
    {
        public List<(string Site, string Flavor, string Image)> Asked { get; } = [];

        public string Name => "local";

        public string Description => "test";

        public ObjectShape SettingsShape { get; } = new("test", []);

        public ProviderSiteSettings ReadSettings(IConfigSection? section, ICollection<ConfigError> errors) => new TestSiteSettings(null, null);

        public FlavorSize? KnownFlavor(ProviderSiteSettings settings, string flavor) => flavor == "small" ? new FlavorSize(1, 1024) : null;

        public Task<IReadOnlyDictionary<string, FlavorSize>> LookupFlavorsAsync(SiteSpec site, IReadOnlyCollection<(string Flavor, string Image)> flavors,
            CancellationToken cancellationToken)
        {
            Asked.AddRange(flavors.Select(f => (site.Name, f.Flavor, f.Image)));
            return Task.FromResult<IReadOnlyDictionary<string, FlavorSize>>(flavors.Where(f => f.Flavor != "mystery")
                .ToDictionary(f => f.Flavor, _ => new FlavorSize(8, 32768)));
        }
    }

    private sealed class Catalog(IProviderFormat provider) : IProviderCatalog
    {
        public IEnumerable<IProviderFormat> All => [provider];

        public IEnumerable<string> Names => [provider.Name];

        public IProviderFormat? Find(string name) => name == provider.Name ? provider : null;
    }

    [Fact]
    public async Task Create_and_check_plan_with_the_sizes_the_cloud_gives_for_flavors_its_provider_does_not_know_offline()
    {
        var provider = new LookingUpProvider();
        var spec = TestSpecs.Cluster("x", TestSpecs.Site("a", null, null, master: true,
            TestSpecs.Group("cpu", 1, 0, "cpus>=8"), TestSpecs.Group("odd", 1, 0, "mystery")));

        var catalog = await FlavorCatalog.FromCloudsAsync(spec, new Catalog(provider), CancellationToken.None);
        var plan = Planner.Plan(spec, catalog);

        Assert.Equal([("a", "cpus>=8", "debian-12"), ("a", "mystery", "debian-12")], provider.Asked);
        Assert.Equal(new FlavorSize(1, 1024), catalog.Find("a", "small"));
        var cpu = plan.Nodes.First(n => n.Flavor == "cpus>=8");
        Assert.Equal((8, 32768L), (cpu.Cpus, cpu.MemoryMiB));
        Assert.Single(plan.Warnings, w => w.Contains("'mystery'", StringComparison.Ordinal));
    }

    [Fact]
    public void Plan_and_render_ask_no_cloud()
    {
        var provider = new LookingUpProvider();
        var spec = TestSpecs.Cluster("x", TestSpecs.Site("a", null, null, master: true, TestSpecs.Group("cpu", 1, 0, "cpus>=8")));

        var catalog = FlavorCatalog.FromProviders(spec, new Catalog(provider));

        Assert.Empty(provider.Asked);
        Assert.Null(catalog.Find("a", "cpus>=8"));
    }
}
