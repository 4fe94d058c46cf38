namespace GridSpan.Providers.Local.Tests;

/// <summary>Tests that make local clouds run one after another, after the base image is built (or found cached).</summary>
[CollectionDefinition(Name)]
public sealed class LocalCloudCollection : ICollectionFixture<LocalImageFixture>
{
    public const string Name = "local cloud (root, sequential)";
}
