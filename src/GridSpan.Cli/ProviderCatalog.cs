using GridSpan.Common;
using GridSpan.Provision;

namespace GridSpan.Cli;

/// <summary>The providers compiled into this build. Adding a provider adds one line here.</summary>
public static class ProviderCatalog
{
    /// <summary>Every provider, each with the options <paramref name="environment"/> gives it.</summary>
    public static IReadOnlyList<IProviderDefinition> All(HostEnvironment environment) =>
    [
        Providers.Local.LocalProviderDefinition.For(environment),
        Providers.OpenStack.OpenStackProviderDefinition.For(environment),
        Providers.Aws.AwsProviderDefinition.For(environment),
        new Providers.Azure.AzureProviderDefinition(),
    ];
}
