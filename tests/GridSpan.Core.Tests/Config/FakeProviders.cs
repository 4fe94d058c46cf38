using System.Net;
using GridSpan.Config;
using GridSpan.Config.Shapes;
using GridSpan.Provision;

namespace GridSpan.Core.Tests.Config;

/// <summary>Two hand-written providers, so the loader is tested against a registry it does not know by name.</summary>
internal static class FakeProviders
{
    public static ProviderRegistry Registry { get; } = new([new LabProvider(), new CloudProvider()]);

    public sealed record Settings(IPNetwork? SubnetOrNull, int? MtuOrNull, string? Region) : ProviderSiteSettings
    {
        public override IPNetwork? Subnet => SubnetOrNull;

        public override int? Mtu => MtuOrNull;
    }

    /// <summary>A provider whose section is optional: `lab: { subnet, mtu }`.</summary>
    public sealed class LabProvider : IProviderDefinition
    {
        public string Name => "lab";

        public string Description => "a test lab";

        public ObjectShape SettingsShape { get; } = new("Lab settings.",
        [
            new Field("subnet", new StringShape("The site's subnet", Format: "cidr")),
            new Field("mtu", new IntegerShape("The MTU", 1280, 9000), Default: 1500),
        ]);

        public ProviderSiteSettings ReadSettings(IConfigSection? section, ICollection<ConfigError> errors)
        {
            IPNetwork? subnet = null;
            if (section?.GetString("subnet") is { } text)
            {
                if (IPNetwork.TryParse(text, out var parsed))
                {
                    subnet = parsed;
                }
                else
                {
                    errors.Add(new ConfigError(section.LocationOf("subnet"), section.PathOf("subnet"), $"'{text}' is not a subnet", "write one like 10.1.0.0/24"));
                }
            }
            return new Settings(subnet, (int?)section?.GetInteger("mtu"), null);
        }

        public FlavorSize? KnownFlavor(ProviderSiteSettings settings, string flavor) => null;

        public ISiteProvider Connect(SiteConnection connection) => throw new NotSupportedException("configuration tests never connect");
    }

    /// <summary>A provider with a required key: `cloud: { region }`.</summary>
    public sealed class CloudProvider : IProviderDefinition
    {
        public string Name => "cloud";

        public string Description => "a test cloud";

        public ObjectShape SettingsShape { get; } = new("Cloud settings.",
        [
            new Field("region", new StringShape("The region"), Required: true),
            new Field("network", new StringShape("The site's network, under a name other than 'subnet'", Format: "cidr")),
            new Field("mtu", new IntegerShape("The MTU, with IPv4's smallest allowed", 68, 9000)),
        ]);

        public ProviderSiteSettings ReadSettings(IConfigSection? section, ICollection<ConfigError> errors)
        {
            if (section is null)
            {
                errors.Add(new ConfigError(new SourceLocation("?", 1, 1), "cloud", "a cloud site needs a 'cloud:' section", "add cloud: { region: ... }"));
                return new Settings(null, null, null);
            }
            var network = section.GetString("network") is { } text ? IPNetwork.Parse(text) : (IPNetwork?)null;
            return new Settings(network, (int?)section.GetInteger("mtu"), section.GetString("region"));
        }

        public FlavorSize? KnownFlavor(ProviderSiteSettings settings, string flavor) => null;

        public ISiteProvider Connect(SiteConnection connection) => throw new NotSupportedException("configuration tests never connect");
    }
}
