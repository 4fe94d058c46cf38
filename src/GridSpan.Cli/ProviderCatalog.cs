using GridSpan.Provision;

namespace GridSpan.Cli;

/// <summary>The providers compiled into this build. Adding a provider adds one line here.</summary>
public static class ProviderCatalog
{
    public static IReadOnlyList<IProviderDefinition> All() =>
    [
        new Providers.Local.LocalProviderDefinition(),
        new Providers.OpenStack.OpenStackProviderDefinition(),
        new Providers.Aws.AwsProviderDefinition(),
    ];
}
